"""Strings of the deep page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "deep_"."""

S: dict[str, dict[str, str]] = {
    # --- frame ----------------------------------------------------------------------------------
    "deep_page_title": {"en": "DBN and DBM", "zh": "深度信念网络与深度玻尔兹曼机"},
    "deep_title": {"en": "Deep belief nets and deep Boltzmann machines", "zh": "深度信念网络与深度玻尔兹曼机"},
    "deep_intro": {
        "en": "Stack RBMs greedily into a DBN that draws a digit you ask for, fine-tune it with the up-down "
              "(wake-sleep) algorithm; or train a DBM, whose layers are all undirected: mean-field inference for "
              "the data, persistent Gibbs chains for the model (Algorithm 20.1).",
        "zh": "把 RBM 逐层贪心堆叠成 DBN，让它画出你指定的数字，再用上下（wake-sleep）算法微调；或者训练一个 DBM，"
              "它的各层全部是无向连接：数据项用平均场推断，模型项用持续吉布斯链（算法 20.1）。"},
    "deep_model": {"en": "Model", "zh": "模型"},
    "deep_model_dbn": {"en": "Deep belief net (DBN)", "zh": "深度信念网络（DBN）"},
    "deep_model_dbm": {"en": "Deep Boltzmann machine (DBM)", "zh": "深度玻尔兹曼机（DBM）"},
    "deep_short_dbn": {"en": "DBN", "zh": "DBN"},
    "deep_short_dbm": {"en": "DBM", "zh": "DBM"},
    "deep_sidebar_train": {"en": "Training", "zh": "训练"},
    "deep_sidebar_sample": {"en": "Sampling", "zh": "采样"},
    "deep_dbn_sizes": {"en": "Hidden layers (the last is the top RBM's)", "zh": "隐藏层（最后一层属于顶层 RBM）"},
    "deep_dbn_sizes_help": {
        "en": "784 visible units, then these hidden layers; the 10 label units join the layer just below the top.",
        "zh": "784 个可见单元，然后是这些隐藏层；10 个标签单元与顶层下方的那一层并列。"},
    "deep_dbn_epochs": {"en": "Greedy epochs per layer", "zh": "每层贪心训练轮数"},
    "deep_dbn_ft": {"en": "Up-down fine-tuning epochs", "zh": "上下算法微调轮数"},
    "deep_dbn_lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "deep_dbn_topk": {"en": "CD-k of the top RBM", "zh": "顶层 RBM 的 CD-k"},
    "deep_dbm_sizes": {"en": "Hidden layers h¹-h²", "zh": "隐藏层 h¹-h²"},
    "deep_dbm_pre": {"en": "Pretraining epochs per layer", "zh": "每层预训练轮数"},
    "deep_dbm_epochs": {"en": "Joint epochs (Algorithm 20.1)", "zh": "联合训练轮数（算法 20.1）"},
    "deep_dbm_lr": {"en": "Learning rate ε", "zh": "学习率 ε"},
    "deep_dbm_k": {"en": "Gibbs sweeps k per update", "zh": "每次更新的吉布斯扫描次数 k"},
    "deep_dbm_anneal": {"en": "Last epochs with ε falling to 0", "zh": "学习率 ε 逐渐降到 0 的最后几轮"},
    "deep_dbm_anneal_help": {
        "en": "Not in Algorithm 20.1: over the last N joint epochs the learning rate falls linearly to 0. While ε is "
              "large the changing weights carry the persistent chains from digit to digit, so they look varied even "
              "when the model itself favours a few digits; as ε falls the chains sample the model, and the model "
              "term removes the mass those digits have too much of. 0 turns it off.",
        "zh": "算法 20.1 中没有这一步：在最后 N 轮联合训练中，学习率线性降到 0。ε 较大时，不断变化的权重会把持续链从一个数字"
              "带到另一个数字，因此即使模型本身偏爱少数几个数字，链看起来也很多样；ε 变小后，链采样的是模型本身，"
              "模型项就会去掉这些数字多出来的概率质量。设为 0 则关闭。"},
    "deep_seed": {"en": "Seed", "zh": "随机种子"},
    "deep_label": {"en": "Clamped label", "zh": "固定的标签"},
    "deep_label_each": {"en": "each digit 0–9 (one per column)", "zh": "每个数字 0–9（每列一个）"},
    "deep_label_any": {"en": "none: the label is sampled too", "zh": "不固定：标签也被采样"},
    "deep_label_digit": {"en": "the digit {d}", "zh": "数字 {d}"},
    "deep_gibbs": {"en": "Gibbs steps in the top RBM", "zh": "顶层 RBM 中的吉布斯步数"},
    "deep_sweeps": {"en": "Two-block Gibbs sweeps", "zh": "两块吉布斯扫描次数"},
    "deep_rows": {"en": "Rows of 10 samples", "zh": "样本行数（每行 10 个）"},
    "deep_bin_threshold": {"en": "binarised by the threshold x/255 > 0.5", "zh": "按阈值 x/255 > 0.5 二值化"},
    # --- load / train ---------------------------------------------------------------------------
    "deep_load_pretrained": {"en": "Load the pretrained {model}", "zh": "载入预训练的{model}"},
    "deep_no_pretrained": {"en": "No pretrained model at {path}: train one with the buttons on the right.",
                           "zh": "{path} 处没有预训练模型：请用右侧按钮训练一个。"},
    "deep_train_help_dbn": {
        "en": "Train: RBM 1 by CD, frozen; its hidden probabilities train RBM 2; then the top RBM with the labels; "
              "then up-down fine-tuning. With the defaults, digits appear within about a minute.",
        "zh": "训练：先用 CD 训练 RBM 1 并冻结；它的隐单元概率作为 RBM 2 的训练数据；然后训练带标签的顶层 RBM；最后用"
              "上下算法微调。默认设置下约一分钟内就能看到数字。"},
    "deep_train_help_dbm": {
        "en": "Train: two RBMs with the doubled-input correction, composed into a DBM, then Algorithm 20.1. The "
              "persistent chains show digits soon after the joint phase begins.",
        "zh": "训练：先用“输入加倍”修正训练两个 RBM，组合成 DBM，再运行算法 20.1。联合训练开始后不久，持续链就会显示出数字。"},
    "deep_settings_differ": {"en": "The sidebar differs from the model being trained ({names}): press Reset, then "
                                   "Train, to use the new settings.",
                             "zh": "侧边栏设置与正在训练的模型不同（{names}）：请先点“重置”，再点“开始训练”以使用新设置。"},
    "deep_empty": {"en": "No {model} yet: load the pretrained one, or train one live on the {n} MNIST digits ({source}).",
                   "zh": "还没有{model}：请载入预训练模型，或在 {n} 个 MNIST 数字（{source}）上现场训练一个。"},
    "deep_need_model": {"en": "Load or train a model first.", "zh": "请先载入或训练一个模型。"},
    "deep_wait_training": {"en": "Training is running: pause or stop it to use this tool.",
                           "zh": "正在训练：请暂停或停止后再使用此工具。"},
    "deep_src_pretrained": {"en": "Pretrained", "zh": "预训练的"},
    "deep_src_trained": {"en": "Trained here", "zh": "在本页训练的"},
    "deep_data_line": {"en": "{data}, {n} digits, {b}", "zh": "{data}，{n} 个数字，{b}"},
    "deep_dbn_tied": {"en": "greedy only: recognition weights = generative weights",
                      "zh": "仅贪心训练：认知权重 = 生成权重"},
    "deep_dbn_untied": {"en": "fine-tuned: recognition and generative weights untied",
                        "zh": "已微调：认知权重与生成权重已解绑"},
    "deep_model_line_dbn": {"en": "**{src} DBN** {arch} · {state} · {data}", "zh": "**{src} DBN** {arch} · {state} · {data}"},
    "deep_model_line_dbm": {"en": "**{src} DBM** {arch} · {data}", "zh": "**{src} DBM** {arch} · {data}"},
    # --- progress -------------------------------------------------------------------------------
    "deep_progress": {"en": "{phase}: epoch {epoch} / {epochs} · {seconds:.0f} s of training",
                      "zh": "{phase}：第 {epoch} / {epochs} 轮 · 已训练 {seconds:.0f} 秒"},
    "deep_phase_layer": {"en": "RBM {l} ({a} ⟷ {b}) by CD", "zh": "用 CD 训练 RBM {l}（{a} ⟷ {b}）"},
    "deep_phase_top": {"en": "Top RBM with the 10 label units", "zh": "带 10 个标签单元的顶层 RBM"},
    "deep_phase_finetune": {"en": "Up-down fine-tuning (contrastive wake-sleep)", "zh": "上下算法微调（对比 wake-sleep）"},
    "deep_phase_pretrain1": {"en": "Pretraining the bottom RBM (v counted twice going up)",
                             "zh": "预训练底层 RBM（向上时 v 计两次）"},
    "deep_phase_pretrain2": {"en": "Pretraining the top RBM (h² counted twice going down)",
                             "zh": "预训练顶层 RBM（向下时 h² 计两次）"},
    "deep_phase_joint": {"en": "Joint training, Algorithm 20.1", "zh": "联合训练，算法 20.1"},
    "deep_phase_short_layer": {"en": "RBM {l}", "zh": "RBM {l}"},
    "deep_phase_short_top": {"en": "top", "zh": "顶层"},
    "deep_phase_short_finetune": {"en": "up-down", "zh": "上下微调"},
    "deep_phase_short_pretrain1": {"en": "pretrain 1", "zh": "预训练 1"},
    "deep_phase_short_pretrain2": {"en": "pretrain 2", "zh": "预训练 2"},
    "deep_phase_short_joint": {"en": "joint", "zh": "联合"},
    "deep_metric_recon": {"en": "Reconstruction error", "zh": "重构误差"},
    "deep_metric_recon_help": {"en": "Mean squared error per pixel of a one-step reconstruction, last 20 updates.",
                               "zh": "单步重构的每像素均方误差，最近 20 次更新的平均。"},
    "deep_metric_acc": {"en": "Test accuracy", "zh": "测试准确率"},
    "deep_metric_acc_help": {"en": "Labels read from the top RBM, on {n} test digits, after each epoch.",
                             "zh": "每轮结束后，在 {n} 个测试数字上由顶层 RBM 读出的标签准确率。"},
    "deep_metric_mf": {"en": "Mean-field iterations", "zh": "平均场迭代次数"},
    "deep_metric_mf_help": {"en": "Iterations until no mean moves by more than {tol:g}, last 20 mini-batches.",
                            "zh": "直到所有均值的变化都不超过 {tol:g} 所需的迭代次数，最近 20 个小批量的平均。"},
    "deep_metric_speed": {"en": "Updates per second", "zh": "每秒更新次数"},
    "deep_metric_speed_help": {"en": "Mini-batch updates per second of training (drawing excluded).",
                               "zh": "训练时每秒完成的小批量更新次数（不含绘图）。"},
    "deep_live_filters": {"en": "RBM 1's filters so far (100 hidden units)", "zh": "目前 RBM 1 的滤波器（100 个隐单元）"},
    "deep_live_dbn": {"en": "The digits 0–9, generated now: 100 Gibbs steps in the top RBM with each label clamped",
                      "zh": "此刻生成的数字 0–9：固定每个标签，在顶层 RBM 中做 100 步吉布斯采样"},
    "deep_live_chains": {"en": "The persistent chains right now, p(v | h̃¹) (20 of {n})",
                         "zh": "此刻的持续链 p(v | h̃¹)（{n} 条中的 20 条）"},
    "deep_curve_recon": {"en": "reconstruction error (train)", "zh": "重构误差（训练集）"},
    "deep_curve_test_recon": {"en": "reconstruction error (test, mean field)", "zh": "重构误差（测试集，平均场）"},
    "deep_curve_recon_axis": {"en": "mean squared error per pixel", "zh": "每像素均方误差"},
    "deep_curve_title": {"en": "Reconstruction error per epoch", "zh": "每轮的重构误差"},
    "deep_curve_elbo": {"en": "mean-field bound + log Z (test)", "zh": "平均场下界 + log Z（测试集）"},
    "deep_curve_elbo_axis": {"en": "−E_Q[E] + H(Q) (nats)", "zh": "−E_Q[E] + H(Q)（奈特）"},
    "deep_curve_elbo_title": {"en": "Test bound + log Z per epoch", "zh": "每轮的测试集下界 + log Z"},
    "deep_updates": {"en": "updates", "zh": "更新次数"},
    "deep_acc_axis": {"en": "accuracy", "zh": "准确率"},
    "deep_acc_title": {"en": "Label accuracy on test digits", "zh": "测试数字上的标签准确率"},
    # --- tools ----------------------------------------------------------------------------------
    "deep_tab_generate": {"en": "Generate a digit", "zh": "生成数字"},
    "deep_tab_classify": {"en": "Classify", "zh": "分类"},
    "deep_tab_finetune": {"en": "Fine-tuning: before vs after", "zh": "微调：前后对比"},
    "deep_tab_theory": {"en": "The lecture's formulas", "zh": "讲义中的公式"},
    "deep_tab_downloads": {"en": "Downloads", "zh": "下载"},
    "deep_tab_chains": {"en": "Persistent chains", "zh": "持续链"},
    "deep_tab_meanfield": {"en": "Mean field, layer by layer", "zh": "逐层的平均场"},
    "deep_tab_bound": {"en": "Likelihood bound (AIS)", "zh": "似然下界（AIS）"},
    "deep_generate_intro_dbn": {
        "en": "Alternating Gibbs sampling in the top RBM with the label units clamped, then one top-down pass through "
              "the directed layers. The animation shows that top-down pass after every few steps: watch the digit form.",
        "zh": "固定标签单元，在顶层 RBM 中交替吉布斯采样，然后沿有向层自上而下传递一次。动画每隔几步显示一次自上而下的结果："
              "看数字如何成形。"},
    "deep_generate_intro_dbm": {
        "en": "Two-block Gibbs sampling: {v, h²} given h¹, then h¹ given {v, h²}. The chains continue from the "
              "training's persistent chains (from noise when there are none).",
        "zh": "两块吉布斯采样：先在给定 h¹ 时采样 {v, h²}，再在给定 {v, h²} 时采样 h¹。链从训练时的持续链接着运行"
              "（没有持续链时从噪声开始）。"},
    "deep_new_samples": {"en": "New samples", "zh": "重新采样"},
    "deep_sampling": {"en": "Sampling {n} chains × {steps} steps …", "zh": "正在采样 {n} 条链 × {steps} 步……"},
    "deep_gen_caption_dbn": {"en": "Label: {label}; {steps} Gibbs steps, a frame every {every}",
                             "zh": "标签：{label}；{steps} 步吉布斯采样，每 {every} 步一帧"},
    "deep_gen_caption_dbm_chains": {"en": "From the persistent chains: {steps} sweeps, a frame every {every}",
                                    "zh": "从持续链出发：{steps} 次扫描，每 {every} 次一帧"},
    "deep_gen_caption_dbm_noise": {"en": "From noise: {steps} sweeps, a frame every {every}",
                                   "zh": "从噪声出发：{steps} 次扫描，每 {every} 次一帧"},
    "deep_final_caption": {"en": "After {steps} steps ({seconds:.2f} s)", "zh": "{steps} 步之后（{seconds:.2f} 秒）"},
    "deep_classify_intro": {
        "en": "An up-pass with the recognition weights gives $h^{(L-1)}$; the top RBM's free energy of each label, "
              "$F(h^{(L-1)}, y)$, gives the exact $p(y \\mid h^{(L-1)})$; the label with the lowest free energy wins.",
        "zh": "用认知权重向上传递得到 $h^{(L-1)}$；顶层 RBM 中每个标签的自由能 $F(h^{(L-1)}, y)$ 给出精确的 $p(y \\mid h^{(L-1)})$；"
              "自由能最低的标签即为预测。"},
    "deep_test_acc": {"en": "Test accuracy", "zh": "测试准确率"},
    "deep_test_acc_help": {"en": "On all {n} test digits, {b}.", "zh": "在全部 {n} 个测试数字上，{b}。"},
    "deep_wrong_caption": {"en": "Some mistakes (true → predicted): {pairs}", "zh": "部分错误（真实 → 预测）：{pairs}"},
    "deep_pred": {"en": "predicted digit", "zh": "预测的数字"},
    "deep_true": {"en": "true digit", "zh": "真实的数字"},
    "deep_conf_title": {"en": "Confusion matrix (test digits)", "zh": "混淆矩阵（测试数字）"},
    "deep_conf_hover": {"en": "true %{y} → predicted %{x}: %{z}", "zh": "真实 %{y} → 预测 %{x}：%{z}"},
    "deep_ft_intro": {
        "en": "Up-down fine-tuning unties the weights: a wake phase (up with the recognition weights) trains the "
              "generative weights, the top RBM does CD from the wake states, and a sleep phase (a dream down the "
              "generative weights) trains the recognition weights. Same seed before and after, so the samples compare.",
        "zh": "上下算法微调会解绑权重：wake 阶段（用认知权重向上）训练生成权重，顶层 RBM 从 wake 状态出发做 CD，sleep 阶段"
              "（沿生成权重向下“做梦”）训练认知权重。前后使用同一随机种子，样本可以直接比较。"},
    "deep_ft_more": {"en": "Fine-tuning epochs", "zh": "微调轮数"},
    "deep_ft_button": {"en": "Fine-tune with up-down ({n} epochs)", "zh": "用上下算法微调（{n} 轮）"},
    "deep_ft_none": {"en": "Fine-tune the current model (or train one with fine-tuning epochs) to see before vs after.",
                     "zh": "微调当前模型（或训练一个带微调轮数的模型），即可看到前后对比。"},
    "deep_ft_meta": {"en": "Recorded in the checkpoint: test accuracy {before:.2%} before fine-tuning, {after:.2%} after.",
                     "zh": "检查点中记录的测试准确率：微调前 {before:.2%}，微调后 {after:.2%}。"},
    "deep_ft_before": {"en": "Before (greedy only)", "zh": "微调前（仅贪心训练）"},
    "deep_ft_after": {"en": "After {n} up-down epochs", "zh": "上下算法微调 {n} 轮之后"},
    "deep_ft_before_caption": {"en": "Greedy DBN: each digit clamped, 200 Gibbs steps", "zh": "贪心 DBN：固定每个数字，200 步吉布斯采样"},
    "deep_ft_after_caption": {"en": "Fine-tuned DBN: the same chains' random numbers", "zh": "微调后的 DBN：相同的随机数"},
    "deep_ft_same_seed": {"en": "Seed {seed}; accuracy on all {n} test digits, {b}.",
                          "zh": "种子 {seed}；准确率基于全部 {n} 个测试数字，{b}。"},
    "deep_mf_intro": {
        "en": "Mean field replaces the posterior p(h¹, h² | v), which is not factorial, by Q = Π Q(h¹ⱼ) Π Q(h²ₖ) and "
              "iterates the lecture's fixed-point equations until no mean moves by more than the tolerance. Rows: the "
              "test digit; p(v | μ¹); μ¹; μ² (each unit a grey square, black = on), one column per iteration.",
        "zh": "平均场用 Q = Π Q(h¹ⱼ) Π Q(h²ₖ) 代替非因子化的后验 p(h¹, h² | v)，反复迭代讲义中的不动点方程，直到所有均值的变化都"
              "小于容差。各行依次为：测试数字；p(v | μ¹)；μ¹；μ²（每个单元一个灰色方块，黑色 = 激活），每列一次迭代。"},
    "deep_digit": {"en": "Test digit number", "zh": "测试数字编号"},
    "deep_mf_random": {"en": "Random digit", "zh": "随机数字"},
    "deep_mf_caption": {"en": "Rows: a test {label}; p(v | μ¹); μ¹ ({n1} units); μ² ({n2} units). Columns: iterations {its}",
                        "zh": "各行：一个测试数字 {label}；p(v | μ¹)；μ¹（{n1} 个单元）；μ²（{n2} 个单元）。各列：第 {its} 次迭代"},
    "deep_mf_delta": {"en": "max |Δμ|", "zh": "max |Δμ|"},
    "deep_mf_tol": {"en": "tolerance {tol:g}", "zh": "容差 {tol:g}"},
    "deep_mf_iteration": {"en": "iteration", "zh": "迭代次数"},
    "deep_mf_curve_title": {"en": "Convergence of mean field", "zh": "平均场的收敛"},
    "deep_mf_numbers": {"en": "{n} iterations, converged: {ok}. 200 test digits together: {m} iterations.",
                        "zh": "{n} 次迭代，是否收敛：{ok}。200 个测试数字一起：{m} 次迭代。"},
    "deep_yes": {"en": "yes", "zh": "是"},
    "deep_no": {"en": "no", "zh": "否"},
    "deep_bound_intro": {
        "en": "log p(v) ≥ 𝓛(Q) = −E_Q[E(v, h¹, h²)] + 𝓗(Q) − log Z. The mean-field part is exact arithmetic; "
              "log Z comes from annealed importance sampling over h¹, with v and h² summed out analytically (the "
              "DBM is an RBM between h¹ and [v, h²]), starting from the hidden states of training digits. Forward "
              "AIS tends to come out low, reverse AIS from test digits high: the two make a bracket. The estimate "
              "holds still when doubling β moves it by less than 1 nat.",
        "zh": "log p(v) ≥ 𝓛(Q) = −E_Q[E(v, h¹, h²)] + 𝓗(Q) − log Z。平均场部分是精确计算；log Z 由退火重要性抽样（AIS）"
              "对 h¹ 退火估计，v 和 h² 被解析地求和消去（DBM 就是 h¹ 与 [v, h²] 之间的一个 RBM），起点是训练数字的隐藏状态。"
              "前向 AIS 往往偏低，从测试数字出发的反向 AIS 往往偏高：两者构成一个区间。当 β 的个数加倍后估计值的变化小于 1 奈特时，"
              "才算稳定。"},
    "deep_ais_runs": {"en": "AIS runs", "zh": "AIS 运行次数"},
    "deep_ais_betas": {"en": "Inverse temperatures β", "zh": "逆温度 β 的个数"},
    "deep_bound_button": {"en": "Estimate log Z and the bound", "zh": "估计 log Z 与下界"},
    "deep_bound_cost": {"en": "{runs} runs × {betas} temperatures: a few seconds to a minute.",
                        "zh": "{runs} 次运行 × {betas} 个温度：需要几秒到一分钟。"},
    "deep_bound_rates": {"en": "Base model: the mean-field posteriors of h¹ for training digits …",
                         "zh": "基础模型：训练数字的 h¹ 平均场后验……"},
    "deep_bound_ais": {"en": "Forward AIS: {pct:.0f} %", "zh": "前向 AIS：{pct:.0f} %"},
    "deep_bound_ais_half": {"en": "Forward AIS with half the β (stability check): {pct:.0f} %",
                            "zh": "用一半的 β 做前向 AIS（稳定性检查）：{pct:.0f} %"},
    "deep_bound_reverse": {"en": "Reverse AIS from test digits: {pct:.0f} %", "zh": "从测试数字出发的反向 AIS：{pct:.0f} %"},
    "deep_bound_mf": {"en": "Mean field on every test and training digit …", "zh": "对每个测试与训练数字做平均场……"},
    "deep_bound_logz": {"en": "log Z (AIS)", "zh": "log Z（AIS）"},
    "deep_bound_test": {"en": "Test bound (nats/digit)", "zh": "测试集下界（奈特/数字）"},
    "deep_bound_train": {"en": "Training bound (nats/digit)", "zh": "训练集下界（奈特/数字）"},
    "deep_bound_help": {"en": "Average over the digits of the mean-field lower bound on log p(v); digits {b}.",
                        "zh": "各数字 log p(v) 的平均场下界的平均值；数字{b}。"},
    "deep_bound_line_logz": {"en": "log Z = {z:.2f}, band [{lo}, {hi}] (log of Ẑ ± 3 s.e.), {runs} runs × {betas} β; "
                                   "effective runs {ess:.1f} (few: more β needed)",
                             "zh": "log Z = {z:.2f}，区间 [{lo}, {hi}]（Ẑ ± 3 个标准误的对数），{runs} 次运行 × {betas} 个 β；"
                                   "有效运行次数 {ess:.1f}（偏少时需要更多 β）"},
    "deep_bound_line_bracket": {
        "en": "bracket for log Z: [{lo}, {hi}] — from forward AIS (low side) to the larger of its band and reverse AIS "
              "from {n} test digits' posteriors (log Z_rev = {rev:.2f})",
        "zh": "log Z 的区间：[{lo}, {hi}]——下端来自前向 AIS，上端取其误差带与从 {n} 个测试数字后验出发的反向 AIS（log Z_rev = "
              "{rev:.2f}）中较大者"},
    "deep_bound_line_doubling": {
        "en": "doubling β: log Z {zh_:.2f} at {half} β, {z:.2f} at {betas} β (moved {d:+.2f} nats; holds still within 1 nat: "
              "{ok})",
        "zh": "β 加倍：{half} 个 β 时 log Z = {zh_:.2f}，{betas} 个 β 时 {z:.2f}（变化 {d:+.2f} 奈特；是否稳定在 1 奈特以内：{ok}）"},
    "deep_bound_line_test": {"en": "test: 𝓛 = {b:.2f} nats per digit, [{lo}, {hi}] from the log Z bracket; {n} digits {bin}",
                             "zh": "测试集：𝓛 = 每个数字 {b:.2f} 奈特，由 log Z 区间得 [{lo}, {hi}]；{n} 个数字，{bin}"},
    "deep_bound_line_raise": {
        "en": "RAISE (reverse annealing): mean log p(v) ≈ {ll:.2f} ± {se:.2f} nats over {n} test digits — conservative "
              "only when reverse AIS does not fall below forward AIS (otherwise the model keeps mass the test digits' "
              "hidden states never reach, and this number is too high)",
        "zh": "RAISE（反向退火）：{n} 个测试数字的平均 log p(v) ≈ {ll:.2f} ± {se:.2f} 奈特——仅当反向 AIS 不低于前向 AIS 时才是保守"
              "估计（否则模型在测试数字的隐藏状态到不了的地方还有质量，这个数偏高）"},
    "deep_bound_method": {
        "en": "Method: mean-field bound per digit (means iterated to max |Δμ| < 10⁻⁴) minus the AIS log Z. The AIS base "
              "is fitted to the data: a mixture of the mean-field posteriors q(h¹ | v) of training digits, each "
              "starting the same number of runs. Departs from the slides, which only state the bound: the slides do "
              "not say how log Z is estimated.",
        "zh": "方法：每个数字的平均场下界（均值迭代至 max |Δμ| < 10⁻⁴）减去 AIS 估计的 log Z。AIS 的基础模型按数据拟合："
              "若干训练数字的平均场后验 q(h¹ | v) 的混合，每个分量出发的运行次数相同。与讲义的不同：讲义只给出下界，没有说明"
              "如何估计 log Z。"},
    "deep_bound_low_ess": {
        "en": "Only {ess:.1f} of {runs} AIS runs carry the estimate: log Z is probably too low (and the bound too "
              "high). Raise the number of β and compare.",
        "zh": "{runs} 次 AIS 运行中只有约 {ess:.1f} 次在起作用：log Z 很可能偏低（下界偏高）。请增加 β 的个数再比较。"},
    "deep_bound_unstable": {
        "en": "log Z moved {d:+.2f} nats when β doubled from {half} to {betas}: it does not hold still yet. Read the "
              "bracket, not the single number, and raise β and the runs.",
        "zh": "β 从 {half} 加倍到 {betas} 时 log Z 变化了 {d:+.2f} 奈特：估计尚未稳定。请看区间而非单个数值，并增加 β 与运行次数。"},
    "deep_bound_time": {"en": "Computed in {seconds:.1f} s.", "zh": "用时 {seconds:.1f} 秒。"},
    # --- theory ---------------------------------------------------------------------------------
    "deep_th_dbn_joint": {"en": "A DBN: the top two layers form an undirected RBM; every layer below is directed, top-down.",
                          "zh": "DBN：最上面两层构成无向的 RBM；其下各层都是自上而下的有向连接。"},
    "deep_th_dbn_greedy": {
        "en": "Greedy training: train RBM 1 by CD, freeze it, and train RBM 2 on its hidden units (here their "
              "probabilities, as in Hinton et al.'s code), maximising",
        "zh": "贪心训练：用 CD 训练 RBM 1 并冻结，再以它的隐单元（此处用其概率，与 Hinton 等人的代码一致）为数据训练 RBM 2，"
              "即最大化"},
    "deep_th_dbn_labels": {
        "en": "With labels, the top RBM's visible layer holds the 10 label units (one softmax group) beside $h^{(L-1)}$; "
            "classification uses the free energy of each label:",
        "zh": "有标签时，顶层 RBM 的可见层除 $h^{(L-1)}$ 外还包含 10 个标签单元（一个 softmax 组）；分类使用每个标签的自由能："},
    "deep_th_dbn_updown": {
        "en": "Contrastive wake-sleep: recognition weights R up, generative weights G down, CD in the top level.",
        "zh": "对比 wake-sleep：认知权重 R 向上，生成权重 G 向下，顶层做 CD。"},
    "deep_th_dbm_energy": {"en": "A DBM: every connection undirected (the lecture writes it without biases).",
                           "zh": "DBM：所有连接都是无向的（讲义中省略了偏置）。"},
    "deep_th_dbm_gibbs": {
        "en": "Odd layer {h¹} on one side, even layers {v, h²} on the other: given one side, the other factorises, "
              "so Gibbs sampling needs just two blocks.",
        "zh": "奇数层 {h¹} 在一侧，偶数层 {v, h²} 在另一侧：给定一侧，另一侧因子化，因此吉布斯采样只需要两块。"},
    "deep_th_dbm_mf": {"en": "Mean-field fixed point and the evidence lower bound (ELBO), with the model's biases "
                              "(the slide leaves them out):",
                       "zh": "平均场不动点与证据下界（ELBO），含模型的偏置（讲义中省略了偏置）："},
    "deep_erratum_dbn_joint": {
        "en": "Slide erratum: the slide writes the last factor as p(h² | h³); the top two layers form an RBM, so it is "
              "their joint p(h², h³).",
        "zh": "讲义勘误：讲义把最后一个因子写成 p(h² | h³)；最上面两层构成 RBM，因此应为它们的联合分布 p(h², h³)。"},
    "deep_erratum_biases": {
        "en": "Slide erratum: the slides write the DBM's energy, conditionals, mean field and Algorithm 20.1 without "
              "biases; the model here has biases b, c¹, c² and every formula on this page includes them.",
        "zh": "讲义勘误：讲义中 DBM 的能量、条件分布、平均场和算法 20.1 都省略了偏置；此处模型有偏置 b、c¹、c²，"
              "本页所有公式都包含它们。"},
    "deep_erratum_alg201": {
        "en": "Slide erratum: Algorithm 20.1 subtracts (1/m) Vᵀ H̃⁽¹⁾ with the data V; the model term pairs the "
              "chains' own Ṽ with H̃⁽¹⁾, as above. The slide's plain W ← W + εΔW is a cartoon (its own note); "
              "the code adds momentum ν (0.5 in the first epoch), η_t = η/(1 + decay·epoch) (no decay by default) and "
              "weight decay λ on W.",
        "zh": "讲义勘误：算法 20.1 用数据 V 减去 (1/m) Vᵀ H̃⁽¹⁾；模型项应把链自己的 Ṽ 与 H̃⁽¹⁾ 配对，如上式。"
              "讲义中简单的 W ← W + εΔW 只是示意（讲义自己也注明）；代码另加了动量 ν（第一轮为 0.5）、η_t = η/(1 + 衰减率 × 轮次)（默认不衰减）以及对 W 的权重衰减 λ。"},
    "deep_th_dbm_alg": {
        "en": "Algorithm 20.1: mean field for the data term, k two-block Gibbs sweeps of persistent chains Ṽ, H̃¹, H̃² "
              "for the model term (with momentum and weight decay here):",
        "zh": "算法 20.1：数据项用平均场，模型项用持续链 Ṽ、H̃¹、H̃² 的 k 次两块吉布斯扫描（此处另加动量与权重衰减）："},
    "deep_th_dbm_pretrain": {
        "en": "Greedy pretraining with the doubled-input correction: the bottom RBM counts v twice going up, the top "
              "RBM counts h² twice going down; composed, h¹ hears half of each.",
        "zh": "带“输入加倍”修正的贪心预训练：底层 RBM 向上时把 v 计两次，顶层 RBM 向下时把 h² 计两次；组合后，h¹ 从两侧各"
              "获得一半。"},
    "deep_things_to_try": {"en": "Things to try", "zh": "动手试试"},
    # --- downloads ------------------------------------------------------------------------------
    "deep_dl_checkpoint": {"en": "Checkpoint (.pt)", "zh": "检查点（.pt）"},
    "deep_dl_png": {"en": "Samples (PNG)", "zh": "样本（PNG）"},
    "deep_dl_gif": {"en": "Chains (GIF)", "zh": "采样链（GIF）"},
}
