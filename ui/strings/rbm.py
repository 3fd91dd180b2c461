"""Strings of the rbm page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "rbm_"."""

S: dict[str, dict[str, str]] = {
    # --- frame -------------------------------------------------------------------------------
    "rbm_page_title": {"en": "RBM on MNIST", "zh": "受限玻尔兹曼机（MNIST）"},
    "rbm_title": {"en": "Restricted Boltzmann machine: contrastive divergence on MNIST",
                  "zh": "受限玻尔兹曼机：在 MNIST 上用对比散度训练"},
    "rbm_intro": {
        "en": "E(v, h) = −bᵀv − cᵀh − vᵀWh with 784 visible pixels v and hidden units h. Load the shipped model "
              "or train one live with CD-k / PCD, then watch block-Gibbs chains turn noise into digits.",
        "zh": "E(v, h) = −bᵀv − cᵀh − vᵀWh，可见层是 784 个像素 v，隐层为 h。加载预训练模型，或用 CD-k / PCD "
              "现场训练一个，然后观察块吉布斯采样链如何把噪声变成数字。"},
    # --- sidebar -------------------------------------------------------------------------------
    "rbm_sidebar_train": {"en": "Training (CD-k)", "zh": "训练（CD-k）"},
    "rbm_sidebar_sample": {"en": "Sampling (block Gibbs)", "zh": "采样（块吉布斯）"},
    "rbm_hidden": {"en": "Hidden units n_h", "zh": "隐单元个数 n_h"},
    "rbm_k": {"en": "Gibbs steps per update k (CD-k)", "zh": "每次更新的吉布斯步数 k（CD-k）"},
    "rbm_method": {"en": "Negative phase", "zh": "负相（模型期望）"},
    "rbm_method_cd": {"en": "CD-k: chains restart at the data", "zh": "CD-k：每次从数据重新开始"},
    "rbm_method_pcd": {"en": "PCD: persistent chains", "zh": "PCD：持续马尔可夫链"},
    "rbm_lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "rbm_momentum": {"en": "Momentum ν", "zh": "动量 ν"},
    "rbm_decay": {"en": "Weight decay λ", "zh": "权重衰减 λ"},
    "rbm_batch": {"en": "Mini-batch size", "zh": "小批量大小"},
    "rbm_epochs": {"en": "Epochs", "zh": "训练轮数"},
    "rbm_digits": {"en": "Training digits", "zh": "训练数字个数"},
    "rbm_digits_help": {"en": "{n} training digits are available here (more after downloading the full MNIST).",
                        "zh": "本机可用 {n} 个训练数字（下载完整 MNIST 后更多）。"},
    "rbm_binarization": {"en": "Binarisation of the pixels", "zh": "像素二值化方式"},
    "rbm_bin_threshold": {"en": "threshold x/255 > 0.5", "zh": "阈值 x/255 > 0.5"},
    "rbm_bin_stochastic": {"en": "stochastic Bernoulli(x/255)", "zh": "随机：伯努利(x/255)"},
    "rbm_seed": {"en": "Seed", "zh": "随机种子"},
    "rbm_bin_seed": {"en": ", seed {seed}", "zh": "，种子 {seed}"},
    "rbm_n_digits": {"en": ", {n:,} digits", "zh": "，{n:,} 个数字"},
    "rbm_ais_base_rate": {"en": "base-rate model from the training digits", "zh": "由训练数字得到的基准模型"},
    "rbm_gibbs_steps": {"en": "Gibbs steps for sampling", "zh": "采样的吉布斯步数"},
    "rbm_temperature": {"en": "Sampling temperature T", "zh": "采样温度 T"},
    "rbm_chains": {"en": "Chains (digits generated)", "zh": "链的条数（生成的数字个数）"},
    # --- the two ways in -----------------------------------------------------------------------
    "rbm_load_pretrained": {"en": "⬇ Load the pretrained model", "zh": "⬇ 加载预训练模型"},
    "rbm_no_pretrained": {
        "en": "No shipped model at {path}. Train one here, or make it with the command in the README.",
        "zh": "{path} 处没有预训练模型。可在此训练一个，或用 README 中的命令生成。"},
    "rbm_train_help": {
        "en": "Train starts a new RBM with the settings in the sidebar; Pause / Resume / Stop at any time.",
        "zh": "“开始训练”会用侧边栏的设置新建一个 RBM；可随时暂停、继续或停止。"},
    "rbm_settings_differ": {
        "en": "The sidebar differs from the model being trained ({names}). Press Reset, then Train, to use it.",
        "zh": "侧边栏设置与正在训练的模型不同（{names}）。请先“重置”，再“开始训练”以使用新设置。"},
    "rbm_empty": {
        "en": "No model yet. Load the pretrained model (instant) or press Train. The data: {n} binarised MNIST "
              "digits ({source}); a sample of them:",
        "zh": "还没有模型。请加载预训练模型（即刻可用），或点击“开始训练”。数据：{n} 个二值化的 MNIST 数字"
              "（{source}），部分样例如下："},
    "rbm_data_caption": {"en": "Training data (grey levels before binarisation)", "zh": "训练数据（二值化之前的灰度）"},
    "rbm_need_model": {"en": "Load the pretrained model or train one first (buttons above).",
                       "zh": "请先加载预训练模型或训练一个模型（见上方按钮）。"},
    "rbm_model_pretrained": {
        "en": "**Model:** pretrained RBM {v}–{h}, {method}, {epochs} epochs on {data}; binarisation: {binarization}.",
        "zh": "**模型：** 预训练 RBM {v}–{h}，{method}，在 {data} 上训练 {epochs} 轮；二值化：{binarization}。"},
    "rbm_model_trained": {
        "en": "**Model:** RBM {v}–{h} trained here, {method}, {epochs} epochs so far on {data}; "
              "binarisation: {binarization}.",
        "zh": "**模型：** 在此训练的 RBM {v}–{h}，{method}，已在 {data} 上训练 {epochs} 轮；二值化：{binarization}。"},
    "rbm_progress": {"en": "Epoch {epoch} / {epochs} · batch {batch} / {batches} · {seconds:.1f} s of updates",
                     "zh": "第 {epoch} / {epochs} 轮 · 第 {batch} / {batches} 批 · 更新用时 {seconds:.1f} 秒"},
    "rbm_metric_recon": {"en": "Reconstruction error", "zh": "重构误差"},
    "rbm_metric_recon_help": {
        "en": "Mean squared error per pixel between a batch v and p(v | h), h ~ p(h | v); last 20 updates.",
        "zh": "一批数据 v 与 p(v | h)（h ~ p(h | v)）之间每个像素的均方误差；最近 20 次更新的平均。"},
    "rbm_metric_pll": {"en": "Pseudo-log-likelihood", "zh": "伪对数似然"},
    "rbm_metric_pll_help": {
        "en": "Σᵢ log p(vᵢ | v₋ᵢ) per digit (training subset, end of the last epoch; binarisation: {b}); "
              "estimated by flipping one random pixel per digit.",
        "zh": "每个数字的 Σᵢ log p(vᵢ | v₋ᵢ)（训练子集，上一轮结束时；二值化：{b}）；每个数字随机翻转一个像素来估计。"},
    "rbm_metric_gap": {"en": "Free-energy gap test − train", "zh": "自由能差（测试 − 训练）"},
    "rbm_metric_gap_help": {
        "en": "Mean F(test) − mean F(train). Growing: the model starts to memorise its training digits.",
        "zh": "测试集平均 F − 训练集平均 F。若持续增大，说明模型开始记住训练样本（过拟合）。"},
    "rbm_metric_speed": {"en": "Updates per second", "zh": "每秒更新次数"},
    "rbm_metric_speed_help": {"en": "Mini-batch updates per second of update time (drawing excluded).",
                              "zh": "每秒完成的小批量更新次数（不含绘图时间）。"},
    # --- live views ---------------------------------------------------------------------------
    "rbm_tab_samples": {"en": "Gibbs chains", "zh": "吉布斯采样链"},
    "rbm_tab_filters": {"en": "Filters W", "zh": "滤波器 W"},
    "rbm_tab_recon": {"en": "Reconstructions", "zh": "重构"},
    "rbm_tab_fe": {"en": "Free energy", "zh": "自由能"},
    "rbm_tab_curves": {"en": "Training curves", "zh": "训练曲线"},
    "rbm_tab_phase": {"en": "Positive vs negative phase", "zh": "正相与负相"},
    "rbm_negatives_cd": {
        "en": "While training: the negative samples v^(k) of the last update (CD-{k}: {k} Gibbs steps from the data).",
        "zh": "训练中：上一次更新的负样本 v^(k)（CD-{k}：从数据出发走 {k} 步吉布斯采样）。"},
    "rbm_negatives_pcd": {
        "en": "While training: the persistent chains (PCD fantasy particles) after the last update, {k} step(s) each.",
        "zh": "训练中：上一次更新后的持续链（PCD 的“幻想粒子”），每次更新前进 {k} 步。"},
    "rbm_sampling": {"en": "Running {n} Gibbs chains × {steps} steps …", "zh": "正在运行 {n} 条吉布斯链 × {steps} 步……"},
    "rbm_chain_caption": {
        "en": "{n} block-Gibbs chains from uniform noise, {steps} steps at T = {T} (a frame every {every} steps; "
              "p(v | h) shown; the bar under the grid is the chain's progress).",
        "zh": "{n} 条块吉布斯链从均匀噪声出发，在 T = {T} 下走 {steps} 步（每 {every} 步一帧；显示 p(v | h)；"
              "图下方的进度条表示链走到哪里）。"},
    "rbm_final_caption": {"en": "After {steps} steps", "zh": "第 {steps} 步之后"},
    "rbm_sample_time": {"en": "Sampling took {seconds:.2f} s on this server.", "zh": "本机采样用时 {seconds:.2f} 秒。"},
    "rbm_sample_time_shared": {"en": "Sampling took {seconds:.2f} s on this server, once: every student with these "
                                     "settings sees the same chains.",
                               "zh": "本机采样用时 {seconds:.2f} 秒，只算一次：设置相同的每位学生看到的是同一组链。"},
    "rbm_new_chains": {"en": ":material/casino: New chains", "zh": ":material/casino: 重新采样"},
    "rbm_filters_caption": {
        "en": "Columns W[:, j] of the first {shown} of {h} hidden units, each on its own scale (dark = large weight: "
              "“this unit likes ink here”).",
        "zh": "前 {shown} 个（共 {h} 个）隐单元的权重列 W[:, j]，各自归一化（越黑权重越大：“这个单元喜欢这里有墨迹”）。"},
    "rbm_recon_caption": {"en": "Top: test digits v. Bottom: reconstructions p(v | h) with h = p(h | v).",
                          "zh": "上：测试数字 v。下：重构 p(v | h)，其中 h = p(h | v)。"},
    "rbm_recon_error": {"en": "Mean squared error per pixel on these 10 digits: {err:.4f}",
                        "zh": "这 10 个数字每个像素的均方误差：{err:.4f}"},
    "rbm_fe_title": {"en": "Free energy F(v): data vs the model's samples", "zh": "自由能 F(v)：数据与模型样本"},
    "rbm_fe_axis": {"en": "F(v) (lower = more probable)", "zh": "F(v)（越低概率越大）"},
    "rbm_density": {"en": "density", "zh": "密度"},
    "rbm_train": {"en": "training digits", "zh": "训练数字"},
    "rbm_test": {"en": "test digits", "zh": "测试数字"},
    "rbm_negatives_name": {"en": "negative samples (last update)", "zh": "负样本（上一次更新）"},
    "rbm_samples_name": {"en": "model samples ({steps} Gibbs steps)", "zh": "模型样本（{steps} 步吉布斯）"},
    "rbm_fe_caption": {
        "en": "p(v) = e^(−F(v))/Z, so lower F is more probable. When the model has learned the data, its samples have "
              "the data's free energies; samples far to the left sit in a few deep modes of the model, far to the right "
              "the chains have not reached the digits yet. Test digits right of training digits: overfitting. Means —",
        "zh": "p(v) = e^(−F(v))/Z，F 越低概率越大。模型学好数据时，其样本的自由能与数据相当；样本远在左侧，说明它们落入模型少数很深的"
              "模式；远在右侧，说明链还没有到达数字所在区域。测试数字位于训练数字右侧：过拟合。均值 ——"},
    "rbm_curve_recon": {"en": "Reconstruction error", "zh": "重构误差"},
    "rbm_curve_ll": {"en": "Pseudo-LL (lines), AIS test LL (◆)", "zh": "伪对数似然（线）、AIS 测试对数似然（◆）"},
    "rbm_curve_gap": {"en": "Free-energy gap test − train", "zh": "自由能差（测试 − 训练）"},
    "rbm_per_batch": {"en": "per batch", "zh": "每批"},
    "rbm_pll_train": {"en": "pseudo-LL, training digits", "zh": "伪对数似然，训练数字"},
    "rbm_pll_test": {"en": "pseudo-LL, test digits", "zh": "伪对数似然，测试数字"},
    "rbm_gap_name": {"en": "F(test) − F(train)", "zh": "F(测试) − F(训练)"},
    "rbm_ais_ll": {"en": "AIS test log-likelihood", "zh": "AIS 测试对数似然"},
    "rbm_updates": {"en": "updates", "zh": "更新次数"},
    "rbm_curves_caption": {
        "en": "Per-epoch points are measured on fixed subsets of 1,000 training and test digits (binarisation: {b}). "
              "Reconstruction error falls early and is a poor guide to the likelihood; AIS gives the honest number.",
        "zh": "每轮的点在固定的 1,000 个训练和测试数字上测得（二值化：{b}）。重构误差下降得很早，并不能很好地反映似然；"
              "AIS 才给出可靠的数值。"},
    "rbm_curves_pretrained": {"en": "The shipped model's own training run: `{command}`",
                              "zh": "预训练模型自身的训练过程：`{command}`"},
    "rbm_no_curves": {"en": "This model brings no training curves: train one here to watch them grow.",
                      "zh": "该模型不带训练曲线：在此训练一个模型即可看到曲线的变化。"},
    "rbm_phase_vh": {"en": "⟨v_i h_j⟩ (mean over i, j)", "zh": "⟨v_i h_j⟩（对 i, j 取平均）"},
    "rbm_phase_units": {"en": "Mean activities ⟨h⟩ and ⟨v⟩", "zh": "平均激活 ⟨h⟩ 与 ⟨v⟩"},
    "rbm_phase_fe": {"en": "Mean free energy F", "zh": "平均自由能 F"},
    "rbm_positive": {"en": "positive phase (data)", "zh": "正相（数据）"},
    "rbm_negative": {"en": "negative phase (chains)", "zh": "负相（马尔可夫链）"},
    "rbm_pos_v": {"en": "⟨v⟩ data", "zh": "⟨v⟩ 数据"},
    "rbm_neg_v": {"en": "⟨v⟩ chains", "zh": "⟨v⟩ 链"},
    "rbm_phase_caption": {
        "en": "The gradient is the difference of the two phases: data expectation − model expectation. When they "
              "agree, learning stops; the free energy of the chains rising above the data's is the model "
              "pushing its probability onto the data.",
        "zh": "梯度就是两相之差：数据期望 − 模型期望。两者一致时学习停止；链的自由能高于数据的自由能，说明模型正把概率推向数据。"},
    "rbm_no_phase": {"en": "Train a model to see the positive and negative phase statistics of every update.",
                     "zh": "训练一个模型，即可看到每次更新的正相与负相统计量。"},
    # --- tools and theory ---------------------------------------------------------------------
    "rbm_tab_clamp": {"en": "Clamp and fill", "zh": "固定并补全"},
    "rbm_tab_ais": {"en": "Log-likelihood (AIS)", "zh": "对数似然（AIS）"},
    "rbm_tab_lab": {"en": "Tiny RBM: CD's bias vs k", "zh": "小型 RBM：CD 的偏差与 k"},
    "rbm_tab_theory": {"en": "Formulas and things to try", "zh": "公式与动手试试"},
    "rbm_tab_downloads": {"en": "Downloads", "zh": "下载"},
    "rbm_clamp_intro": {
        "en": "Hide part of a test digit and let Gibbs sampling fill it in: the visible pixels are clamped, "
              "the hidden ones are sampled from p(v_hidden | v_visible).",
        "zh": "遮住测试数字的一部分，让吉布斯采样补全它：可见像素保持固定，被遮住的像素从 p(v_隐藏 | v_可见) 中采样。"},
    "rbm_digit": {"en": "Test digit #", "zh": "测试数字编号"},
    "rbm_part": {"en": "Hide", "zh": "遮住"},
    "rbm_part_top": {"en": "the top half", "zh": "上半部分"},
    "rbm_part_bottom": {"en": "the bottom half", "zh": "下半部分"},
    "rbm_part_left": {"en": "the left half", "zh": "左半部分"},
    "rbm_part_right": {"en": "the right half", "zh": "右半部分"},
    "rbm_part_square": {"en": "a square in the middle", "zh": "中间的方块"},
    "rbm_random_digit": {"en": ":material/casino: Random digit", "zh": ":material/casino: 随机数字"},
    "rbm_clamp_caption": {
        "en": "The original (a {label}), what the model sees (hidden part grey), and {n} chains filling it in "
              "({steps} Gibbs steps at T = {T}).",
        "zh": "原图（数字 {label}）、模型看到的部分（被遮住处为灰色），以及 {n} 条补全它的链（T = {T} 下 {steps} 步吉布斯）。"},
    "rbm_clamp_error": {"en": "Mean squared error on the hidden pixels after the last step: {err:.3f}",
                        "zh": "最后一步后被遮住像素上的均方误差：{err:.3f}"},
    "rbm_theory_energy": {"en": "**Energy and joint distribution** (W: n_v × n_h weights, b, c: biases)",
                          "zh": "**能量函数与联合分布**（W：n_v × n_h 权重矩阵，b、c：偏置）"},
    "rbm_theory_conditionals": {"en": "**Conditionals**: no connections within a layer, so they factorise (block Gibbs)",
                                "zh": "**条件分布**：层内没有连接，因此可以分解（块吉布斯采样）"},
    "rbm_theory_free_energy": {"en": "**Free energy**: h sums out in closed form",
                               "zh": "**自由能**：h 可以解析地求和消去"},
    "rbm_theory_gradient": {"en": "**Log-likelihood gradient**: data expectation − model expectation",
                            "zh": "**对数似然梯度**：数据期望 − 模型期望"},
    "rbm_theory_cd": {"en": "**CD-{k}** (Algorithm 1): the model expectation from a {k}-step Gibbs chain started at the data",
                      "zh": "**CD-{k}**（算法 1）：用从数据出发、走 {k} 步的吉布斯链近似模型期望"},
    "rbm_theory_update": {"en": "**Update rule** as the code runs it, with the sidebar's η, λ, ν",
                          "zh": "**更新规则**（与代码一致，代入侧边栏的 η、λ、ν）"},
    "rbm_theory_update_note": {
        "en": "Δθ⁽ᵗ⁻¹⁾ is the whole previous step (heavy-ball momentum), and λ shrinks W only: the biases are not "
              "decayed (Hinton's practical guide). n data rows, m chains (m = n for CD). Slide erratum: the slide's underbrace calls only the gradient "
              "term Δθ⁽ᵗ⁾ and applies −λθ to every parameter; the app follows the formula above.",
        "zh": "Δθ⁽ᵗ⁻¹⁾ 是上一步的完整更新量（重球动量），λ 只衰减 W：偏置不做衰减（Hinton 的实用指南）。"
              "n 为数据行数，m 为链数（CD 中 m = n）。"
              "讲义勘误：讲义的下括号只把梯度项记为 Δθ⁽ᵗ⁾，并对所有参数施加 −λθ；本应用按上面的公式计算。"},
    "rbm_theory_cd_index": {
        "en": "Index convention: the slide's Algorithm 1 writes w_ij with i a hidden and j a visible unit; here W has "
              "one row per visible unit, so W_ij joins visible i and hidden j (the slide's w_ji).",
        "zh": "下标约定：讲义的算法 1 中 w_ij 的 i 是隐藏单元、j 是可见单元；此处 W 每行对应一个可见单元，"
              "所以 W_ij 连接可见单元 i 与隐藏单元 j（即讲义中的 w_ji）。"},
    "rbm_theory_temperature": {"en": "**Sampling at temperature** T = {T}",
                               "zh": "**在温度 T = {T} 下采样**"},
    "rbm_theory_ais": {"en": "**Annealed importance sampling** for log Z (base-rate model p_A, the RBM p_B)",
                       "zh": "**退火重要性采样（AIS）** 估计 log Z（基准模型 p_A，RBM 为 p_B）"},
    "rbm_things_to_try": {"en": "Things to try", "zh": "动手试试"},
    "rbm_dl_checkpoint": {"en": "⬇ Checkpoint (.pt)", "zh": "⬇ 模型检查点（.pt）"},
    "rbm_dl_png": {"en": "⬇ Sample grid (PNG)", "zh": "⬇ 样本网格（PNG）"},
    "rbm_dl_gif": {"en": "⬇ Gibbs chains (GIF)", "zh": "⬇ 吉布斯采样链（GIF）"},
    "rbm_dl_caption": {
        "en": "Samples: {n} chains × {steps} Gibbs steps at T = {T}, seed {seed}. The checkpoint loads with "
              "torch.load(..., weights_only=True) and with the command line:",
        "zh": "样本：{n} 条链 × {steps} 步吉布斯，T = {T}，种子 {seed}。检查点可用 `torch.load(..., weights_only=True)` "
              "读取，也可在命令行中使用："},
    # --- AIS -----------------------------------------------------------------------------------
    "rbm_ais_intro": {
        "en": "log p(v) = −F(v) − log Z needs the partition function Z, a sum over 2^(784+n_h) states. Annealed "
              "importance sampling anneals from a base-rate model (pixels independent, at the data's rates) to the "
              "RBM. Forward AIS tends to be optimistic; reverse AIS from test digits gives the pessimistic side.",
        "zh": "log p(v) = −F(v) − log Z 需要配分函数 Z，它是对 2^(784+n_h) 个状态的求和。退火重要性采样（AIS）从基准模型"
              "（像素相互独立、取数据的平均值）逐步退火到 RBM。正向 AIS 往往偏乐观；从测试数字出发的反向 AIS 给出悲观的一侧。"},
    "rbm_ais_runs": {"en": "AIS runs M", "zh": "AIS 运行次数 M"},
    "rbm_ais_betas": {"en": "Inverse temperatures K", "zh": "逆温度个数 K"},
    "rbm_ais_button": {"en": "Estimate log-likelihood (AIS)", "zh": "估计对数似然（AIS）"},
    "rbm_ais_cost": {"en": "Cost: 2 × {runs} × {betas} block-Gibbs steps of the 784–{h} RBM (forward and reverse).",
                     "zh": "计算量：784–{h} RBM 的 2 × {runs} × {betas} 步块吉布斯采样（正向与反向）。"},
    "rbm_ais_forward": {"en": "Forward AIS … {pct:.0f}%", "zh": "正向 AIS……{pct:.0f}%"},
    "rbm_ais_reverse": {"en": "Reverse AIS from test digits … {pct:.0f}%", "zh": "从测试数字出发的反向 AIS……{pct:.0f}%"},
    "rbm_ais_stale": {"en": "The model has changed since the last estimate: press the button again.",
                      "zh": "自上次估计以来模型已改变：请再次点击按钮。"},
    "rbm_ais_logz": {"en": "log Z (AIS)", "zh": "log Z（AIS）"},
    "rbm_ais_logz_help": {"en": "log of the mean importance weight, plus log Z of the base model.",
                          "zh": "重要性权重均值的对数，加上基准模型的 log Z。"},
    "rbm_ais_test_ll": {"en": "Test log-likelihood", "zh": "测试对数似然"},
    "rbm_ais_train_ll": {"en": "Train log-likelihood", "zh": "训练对数似然"},
    "rbm_ais_ll_help": {"en": "Average log p(v) in nats per digit, with the AIS log Z; binarisation: {b}.",
                        "zh": "每个数字的平均 log p(v)（奈特），使用 AIS 估计的 log Z；二值化：{b}。"},
    "rbm_ais_exact": {"en": "Exact log Z (enumerated)", "zh": "精确 log Z（枚举）"},
    "rbm_ais_ess": {"en": "Effective runs", "zh": "有效运行次数"},
    "rbm_ais_ess_help": {"en": "(Σw)²/Σw² of the importance weights: far below M means a few runs dominate and "
                                "log Z is probably underestimated. Raise K.",
                         "zh": "重要性权重的 (Σw)²/Σw²：远小于 M 说明少数几次运行占主导，log Z 很可能被低估。请增大 K。"},
    "rbm_ais_line_logz": {
        "en": "log Z = {z:.3f}, bracket [{lo}, {hi}]: from log(Ẑ − 3 s.e.) up to the larger of log(Ẑ + 3 s.e.) "
              "and the reverse-AIS log Z; {runs} runs × {betas} steps ({base}). The command line "
              "(evaluate --ais) reports the same bracket.",
        "zh": "log Z = {z:.3f}，区间 [{lo}, {hi}]：从 log(Ẑ − 3 倍标准误) 到 log(Ẑ + 3 倍标准误) 与反向 AIS 的 log Z "
              "两者中较大者；{runs} 次运行 × {betas} 步（{base}）。命令行（`evaluate --ais`）给出同一区间。"},
    "rbm_ais_line_bracket": {
        "en": "Bracket on the test log-likelihood: {pes:.2f} (reverse AIS, pessimistic; log Z ≈ {zr:.3f}) … "
              "{opt:.2f} (forward AIS, optimistic) — binarisation: {b}.",
        "zh": "测试对数似然的区间：{pes:.2f}（反向 AIS，悲观；log Z ≈ {zr:.3f}）…… {opt:.2f}（正向 AIS，乐观）—— 二值化：{b}。"},
    "rbm_ais_line_test": {
        "en": "Test: {ll:.2f} nats per digit (band [{lo}, {hi}]) on {n} test digits — binarisation: {b}.",
        "zh": "测试集：每个数字 {ll:.2f} 奈特（区间 [{lo}, {hi}]），共 {n} 个测试数字 —— 二值化：{b}。"},
    "rbm_ais_line_train": {
        "en": "Train: {ll:.2f} nats per digit on {n} training digits — binarisation: {b}.",
        "zh": "训练集：每个数字 {ll:.2f} 奈特，共 {n} 个训练数字 —— 二值化：{b}。"},
    "rbm_ais_line_exact": {
        "en": "Exact (enumerating the hidden layer): log Z = {z:.3f}, test log-likelihood {ll:.2f} — binarisation: {b}.",
        "zh": "精确值（枚举隐层）：log Z = {z:.3f}，测试对数似然 {ll:.2f} —— 二值化：{b}。"},
    "rbm_ais_unreliable": {
        "en": "Only about {ess:.0f} of {runs} runs carry the weight (reverse AIS: log Z {gap:+.1f} nats from the "
              "forward estimate): too few inverse temperatures for this model. Raise K (10,000 or more) for a "
              "number to report.",
        "zh": "{runs} 次运行中只有约 {ess:.0f} 次承担了主要权重（反向 AIS 的 log Z 与正向估计相差 {gap:+.1f} 奈特）："
              "对该模型而言逆温度太少。要得到可报告的数值，请把 K 增大到 10,000 或更多。"},
    "rbm_ais_time": {"en": "Computed in {seconds:.1f} s. Each estimate also appears as ◆ in the training curves.",
                     "zh": "用时 {seconds:.1f} 秒。每次估计也会以 ◆ 显示在训练曲线中。"},
    # --- tiny lab --------------------------------------------------------------------------------
    "rbm_lab_intro": {
        "en": "Theorem 1 made visible. A tiny RBM on the 14 bars-and-stripes patterns of a 3×3 grid has only "
              "2⁹ = 512 visible states, so the exact gradient ∇L = data − model expectation and the exact "
              "expectation of the CD-k estimate (through the Gibbs transition matrix T) are plain sums. "
              "Their gap is CD's bias; it shrinks as k grows, about like |λ₂|ᵏ.",
        "zh": "让定理 1 看得见。在 3×3 网格的 14 个“横条与竖条”图案上训练的小型 RBM 只有 2⁹ = 512 个可见状态，因此精确梯度 "
              "∇L = 数据期望 − 模型期望，以及 CD-k 估计的精确期望（通过吉布斯转移矩阵 T）都只是普通的求和。"
              "二者之差就是 CD 的偏差；它随 k 增大而减小，大约按 |λ₂|ᵏ 衰减。"},
    "rbm_lab_hidden": {"en": "Tiny RBM: hidden units", "zh": "小型 RBM：隐单元个数"},
    "rbm_lab_train_steps": {"en": "Exact-gradient training steps", "zh": "精确梯度训练步数"},
    "rbm_lab_runs": {"en": "Simulated CD-k runs", "zh": "CD-k 模拟次数"},
    "rbm_lab_running": {"en": "Enumerating 512 states and simulating CD-k …", "zh": "正在枚举 512 个状态并模拟 CD-k……"},
    "rbm_lab_patterns": {"en": "The {n} training patterns", "zh": "{n} 个训练图案"},
    "rbm_lab_mixing": {"en": "Mixing |λ₂| of T", "zh": "T 的混合速率 |λ₂|"},
    "rbm_lab_mixing_help": {"en": "Second largest |eigenvalue| of the 512 × 512 block-Gibbs transition matrix: "
                                  "close to 1 = slow mixing = large CD bias.",
                            "zh": "512 × 512 块吉布斯转移矩阵的第二大特征值的模：越接近 1，混合越慢，CD 偏差越大。"},
    "rbm_lab_ll": {"en": "Exact log-likelihood", "zh": "精确对数似然"},
    "rbm_lab_ll_help": {"en": "Average log p(v) of the 14 patterns (−log 14 ≈ −2.64 is the best possible).",
                        "zh": "14 个图案的平均 log p(v)（最优值为 −log 14 ≈ −2.64）。"},
    "rbm_lab_mass": {"en": "Mass on the patterns", "zh": "图案上的概率质量"},
    "rbm_lab_mass_help": {"en": "Σ p(v) over the 14 training patterns (exact).",
                          "zh": "14 个训练图案的 p(v) 之和（精确值）。"},
    "rbm_lab_bias_title": {"en": "Relative bias ‖E[CD-k] − ∇L‖ / ‖∇L‖", "zh": "相对偏差 ‖E[CD-k] − ∇L‖ / ‖∇L‖"},
    "rbm_lab_cos_title": {"en": "Cosine with the exact gradient", "zh": "与精确梯度的余弦相似度"},
    "rbm_lab_exact": {"en": "exact E[CD-k]", "zh": "精确的 E[CD-k]"},
    "rbm_lab_mc": {"en": "‖mean of {runs} simulated CD-k estimates − ∇L‖ / ‖∇L‖",
                   "zh": "‖{runs} 次模拟 CD-k 估计的均值 − ∇L‖ / ‖∇L‖"},
    "rbm_lab_rate": {"en": "|λ₂|ᵏ decay (|λ₂| = {lam:.3f})", "zh": "|λ₂|ᵏ 衰减（|λ₂| = {lam:.3f}）"},
    "rbm_lab_noise": {"en": "Monte-Carlo noise floor ‖s.e.‖", "zh": "蒙特卡罗噪声水平 ‖标准误‖"},
    "rbm_lab_single": {"en": "one CD-k estimate (average cosine)", "zh": "单次 CD-k 估计（平均余弦）"},
    "rbm_lab_caption": {
        "en": "Simulated means come from the trainer's own CD code; they agree with the exact expectation "
              "(largest |z| over all parameters: {z:.1f}). A single estimate is noisy (low cosine): averaging "
              "over mini-batches and updates removes the noise, never the bias.",
        "zh": "模拟均值来自训练器自身的 CD 代码，与精确期望一致（所有参数中最大的 |z|：{z:.1f}）。单次估计噪声很大（余弦低）："
              "在小批量和多次更新上平均可以消除噪声，但消除不了偏差。"},
}
