"""Strings of the ebm2d page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "ebm2d_"."""

S: dict[str, dict[str, str]] = {
    # --- frame ---------------------------------------------------------------------------
    "ebm2d_title": {"en": "Learning an energy-based model by maximum likelihood",
                    "zh": "用极大似然学习能量模型"},
    "ebm2d_intro": {
        "en": "A neural energy E_θ(x) (an MLP with SiLU units) learns a 2D data set. Each update lowers the energy "
              "of data points and raises the energy of negative samples drawn from the model by Langevin dynamics: "
              "the lecture's gradient, observed statistics minus synthesised statistics. Because x is 2D, Z(θ) is "
              "integrated exactly on a grid, so the held-out log-likelihood below is exact.",
        "zh": "一个神经网络能量函数 E_θ(x)（带 SiLU 激活的多层感知机）学习一个二维数据集。每次更新压低数据点的能量，"
              "抬高由朗之万动力学从模型中采得的负样本的能量：这正是讲义中的梯度——观测统计量减去合成统计量。"
              "由于 x 是二维的，Z(θ) 可以在网格上精确积分，因此下方的留出集对数似然是精确值。"},
    "ebm2d_model_note": {
        "en": "The model lives on the drawn box (the lecture's base measure q(x) is uniform there): "
              "p_θ(x) = exp(−E_θ(x)) / Z(θ) for x in the box; Langevin chains are reflected at its walls.",
        "zh": "模型定义在图示的方框内（讲义中的先验测度 q(x) 取为方框上的均匀分布）："
              "对方框内的 x，p_θ(x) = exp(−E_θ(x)) / Z(θ)；朗之万链在边界处反射。"},
    "ebm2d_controls": {"en": "Learning an EBM", "zh": "学习能量模型"},
    # --- controls --------------------------------------------------------------------------
    "ebm2d_data": {"en": "Data set", "zh": "数据集"},
    "ebm2d_data_8gaussians": {"en": "8 Gaussians", "zh": "8 个高斯"},
    "ebm2d_data_moons": {"en": "Two moons", "zh": "双月牙"},
    "ebm2d_data_rings": {"en": "Rings", "zh": "同心圆环"},
    "ebm2d_data_checkerboard": {"en": "Checkerboard", "zh": "棋盘格"},
    "ebm2d_data_swissroll": {"en": "Swiss roll", "zh": "瑞士卷"},
    "ebm2d_data_spirals": {"en": "Two spirals", "zh": "双螺旋"},
    "ebm2d_data_pinwheel": {"en": "Pinwheel", "zh": "风车"},
    "ebm2d_n_data": {"en": "Training points n", "zh": "训练样本数 n"},
    "ebm2d_width": {"en": "Width (units per layer)", "zh": "宽度（每层神经元数）"},
    "ebm2d_depth": {"en": "Depth (hidden layers)", "zh": "深度（隐藏层数）"},
    "ebm2d_scheme": {"en": "Negative samples x̃ from", "zh": "负样本 x̃ 的来源"},
    "ebm2d_scheme_persistent": {"en": "persistent chains (replay buffer)", "zh": "持续链（回放缓冲区）"},
    "ebm2d_scheme_short-run": {"en": "short-run chains from noise", "zh": "从噪声出发的短程链"},
    "ebm2d_scheme_cd": {"en": "CD-k: chains started at the data", "zh": "CD-k：从数据出发的链"},
    "ebm2d_reinit": {"en": "Re-initialised from noise per update", "zh": "每次更新从噪声重新初始化的比例"},
    "ebm2d_k": {"en": "Langevin steps per update K", "zh": "每次更新的朗之万步数 K"},
    "ebm2d_eps": {"en": "Langevin step size ε (= Δt)", "zh": "朗之万步长 ε（= Δt）"},
    "ebm2d_alpha": {"en": "Energy regularisation α", "zh": "能量正则化系数 α"},
    "ebm2d_lr": {"en": "Learning rate η (Adam)", "zh": "学习率 η（Adam）"},
    "ebm2d_seed": {"en": "Seed", "zh": "随机种子"},
    "ebm2d_show": {"en": "Picture shows", "zh": "图中显示"},
    "ebm2d_show_energy": {"en": "energy E_θ(x)", "zh": "能量 E_θ(x)"},
    "ebm2d_show_density": {"en": "density p_θ(x)", "zh": "密度 p_θ(x)"},
    "ebm2d_live_note": {
        "en": "Negative samples, K, ε, α and η apply at once, even while training. A new data set, n, width, depth "
              "or seed starts a new model.",
        "zh": "负样本来源、K、ε、α 和 η 立即生效，训练中也可调整。更换数据集、n、宽度、深度或随机种子会重新开始一个新模型。"},
    # --- live numbers and charts -----------------------------------------------------------
    "ebm2d_updates": {"en": "Updates", "zh": "更新次数"},
    "ebm2d_ll_metric": {"en": "Held-out log-lik. (exact)", "zh": "留出集对数似然（精确）"},
    "ebm2d_ll_help": {
        "en": "(1/n) Σ [−E_θ(x_i) − log Z(θ)] over {n} held-out points; log Z(θ) by grid integration ({grid}² cells).",
        "zh": "对 {n} 个留出点求 (1/n) Σ [−E_θ(x_i) − log Z(θ)]；log Z(θ) 由网格积分（{grid}² 个格子）得到。"},
    "ebm2d_logz_metric": {"en": "log Z(θ)", "zh": "log Z(θ)"},
    "ebm2d_energy_gap": {"en": "E(samples) − E(data)", "zh": "E(样本) − E(数据)"},
    "ebm2d_gap_help": {
        "en": "Mean energy of the negatives minus that of the data batch. Near 0: the samples look like the data "
              "to the model, and the gradient vanishes.",
        "zh": "负样本的平均能量减去数据批次的平均能量。接近 0 表示在模型看来样本与数据无异，梯度随之消失。"},
    "ebm2d_edge_note": {
        "en": "{mass:.1%} of the model's probability lies at the edge of the box: it presses against the walls.",
        "zh": "模型有 {mass:.1%} 的概率位于方框边缘：它正压在边界上。"},
    "ebm2d_landscape_title": {"en": "E_θ(x) after {u} updates · dark: data · red: negative samples",
                              "zh": "{u} 次更新后的 E_θ(x) · 深色点：数据 · 红点：负样本"},
    "ebm2d_landscape_title_density": {"en": "p_θ(x) after {u} updates · dark: data · red: negative samples",
                                      "zh": "{u} 次更新后的 p_θ(x) · 深色点：数据 · 红点：负样本"},
    "ebm2d_legend_data": {"en": "data", "zh": "数据"},
    "ebm2d_legend_neg": {"en": "negative samples", "zh": "负样本"},
    "ebm2d_curves_title": {"en": "Mean energy: data vs negative samples", "zh": "平均能量：数据与负样本"},
    "ebm2d_curves_x": {"en": "update", "zh": "更新次数"},
    "ebm2d_curves_y": {"en": "mean E_θ", "zh": "平均 E_θ"},
    "ebm2d_ll_title": {"en": "Exact held-out average log-likelihood", "zh": "留出集平均对数似然（精确）"},
    "ebm2d_ll_y": {"en": "nats per point", "zh": "每点奈特数"},
    "ebm2d_ll_series": {"en": "learned p_θ", "zh": "学到的 p_θ"},
    "ebm2d_ref_uniform": {"en": "uniform on the box", "zh": "方框上的均匀分布"},
    "ebm2d_ref_true": {"en": "true density", "zh": "真实密度"},
    "ebm2d_diverged": {
        "en": "Training diverged (the energies or the Langevin chains blew up): lower ε or η and press Reset.",
        "zh": "训练发散了（能量或朗之万链爆炸）：请减小 ε 或 η，然后点击重置。"},
    "ebm2d_block_done": {"en": "{u} updates done. “Train more” continues from here.",
                         "zh": "已完成 {u} 次更新。点击“继续训练”从这里接着训练。"},
    "ebm2d_shipped_note": {"en": "On screen: the shipped model, {u} updates at the page's default settings (`assets/models/ebm2d_8gaussians.pt`). "
                                 "Train starts from the flat landscape and learns it again live, with the settings on screen.",
                           "zh": "当前显示：随附的已训练模型，按本页默认设置更新 {u} 次（`assets/models/ebm2d_8gaussians.pt`）。"
                                 "点击开始训练会用当前设置从平坦的能量地形重新学习，实时显示。"},
    "ebm2d_idle_hint": {"en": "Press Train: the landscape starts flat (every point equally likely).",
                        "zh": "点击开始训练：能量地形起初是平的（每个点的可能性相同）。"},
    # --- formulas ----------------------------------------------------------------------------
    "ebm2d_formulas": {"en": "The lecture's formulas", "zh": "讲义中的公式"},
    "ebm2d_tex_observed": {"en": "observed statistics", "zh": "观测统计量"},
    "ebm2d_tex_synthesised": {"en": "synthesised statistics", "zh": "合成统计量"},
    "ebm2d_tex_box": {"en": "box", "zh": "方框"},
    "ebm2d_tex_loss": {"en": "loss", "zh": "损失"},
    "ebm2d_formula_caption": {
        "en": "With f_θ = −E_θ: descending the loss mean E_θ(data) − mean E_θ(x̃) climbs the log-likelihood. "
              "Current settings: K = {k}, ε = {eps}, α = {alpha}, η = {lr}.",
        "zh": "取 f_θ = −E_θ：对损失 E_θ(数据) 的均值 − E_θ(x̃) 的均值 做梯度下降，就是对对数似然做梯度上升。"
              "当前设置：K = {k}，ε = {eps}，α = {alpha}，η = {lr}。"},
    # --- sampling after training -----------------------------------------------------------
    "ebm2d_sample_header": {"en": "Sampling from the learned landscape", "zh": "从学到的能量地形中采样"},
    "ebm2d_sample_intro": {
        "en": "Particles start as uniform noise on the box and follow Langevin dynamics in E_θ: "
              "x ← x − (ε/2)∇E_θ(x) + √ε ξ. Press ▶ under the picture to play it; the data are on the right.",
        "zh": "粒子从方框上的均匀噪声出发，在 E_θ 中按朗之万动力学运动：x ← x − (ε/2)∇E_θ(x) + √ε ξ。"
              "点击图下方的 ▶ 播放；右侧是数据。"},
    "ebm2d_sample_steps": {"en": "Langevin steps", "zh": "朗之万步数"},
    "ebm2d_sample_button": {"en": "Sample from noise", "zh": "从噪声采样"},
    "ebm2d_sample_stale": {"en": "These samples come from the model after {u} updates; sample again to see the current one.",
                           "zh": "这些样本来自第 {u} 次更新时的模型；再次采样即可看到当前模型。"},
    "ebm2d_samples": {"en": "Langevin samples", "zh": "朗之万样本"},
    "ebm2d_data_panel": {"en": "data", "zh": "数据"},
    "ebm2d_play": {"en": "Play", "zh": "播放"},
    "ebm2d_pause": {"en": "Pause", "zh": "暂停"},
    "ebm2d_sample_title": {"en": "Langevin from uniform noise in the learned E_θ · {n} particles",
                           "zh": "在学到的 E_θ 中从均匀噪声出发的朗之万动力学 · {n} 个粒子"},
    "ebm2d_anneal_title": {"en": "Annealed Langevin from pure noise · {n} particles",
                           "zh": "从纯噪声出发的退火朗之万动力学 · {n} 个粒子"},
    "ebm2d_frame": {"en": "Langevin step {i} of {n} (ε = {eps})", "zh": "朗之万第 {i} / {n} 步（ε = {eps}）"},
    # --- Langevin → diffusion -------------------------------------------------------------
    "ebm2d_anneal_header": {"en": "From Langevin to diffusion: annealed Langevin dynamics",
                            "zh": "从朗之万到扩散：退火朗之万动力学"},
    "ebm2d_anneal_intro": {
        "en": "The lecture's small modification: start from pure noise, give each time step its own noise level "
              "β_t, and write the gradient as ∇ log p. Here p_σ is the learned density blurred by Gaussian noise "
              "of size σ = σ_t (computed exactly on the grid, because x is 2D); σ_t shrinks from {smax} to {smin}, with "
              "β_t = {eta}·σ_t², then a few plain Langevin steps in p_θ itself. A diffusion model learns exactly "
              "these blurred scores ∇ log p_σ.",
        "zh": "讲义中的小改动：从纯噪声出发，为每个时间步明确设定噪声强度 β_t，并把梯度项写成 ∇ log p。"
              "这里 p_σ 是被大小为 σ = σ_t 的高斯噪声模糊后的学习密度（x 是二维的，所以可在网格上精确计算）；"
              "σ_t 从 {smax} 逐渐减小到 {smin}，β_t = {eta}·σ_t²，最后在 p_θ 本身中再走几步普通朗之万。"
              "扩散模型学习的正是这些被模糊的得分 ∇ log p_σ。"},
    "ebm2d_anneal_note": {
        "en": "∇ log p = −∇E, so the drift +(β_t/2)∇ log p goes uphill in probability and downhill in energy.",
        "zh": "∇ log p = −∇E，因此漂移项 +(β_t/2)∇ log p 沿概率上升、沿能量下降的方向。"},
    "ebm2d_erratum_sign": {
        "en": "Slide erratum: the slide writes x_(t−1) = x_t − (β_t/2)∇ log p + √β_t ε; the drift must be + (up the "
              "log-probability, as in the Langevin step on the slide before), which is what runs here.",
        "zh": "讲义勘误：讲义写作 x_(t−1) = x_t − (β_t/2)∇ log p + √β_t ε；漂移项应为 +（沿对数概率上升，"
              "与前一页的朗之万更新一致），此处按 + 计算。"},
    "ebm2d_anneal_button": {"en": "Run annealed Langevin", "zh": "运行退火朗之万"},
    "ebm2d_anneal_frame": {"en": "noise level σ = {sigma:.2f}, β = {beta:.3f}", "zh": "噪声水平 σ = {sigma:.2f}，β = {beta:.3f}"},
    "ebm2d_anneal_final": {"en": "σ = 0: Langevin in p_θ itself (ε = {eps})", "zh": "σ = 0：在 p_θ 本身中做朗之万（ε = {eps}）"},
    "ebm2d_anneal_samples": {"en": "annealed Langevin", "zh": "退火朗之万"},
    # --- downloads ---------------------------------------------------------------------------
    "ebm2d_downloads": {"en": "Downloads", "zh": "下载"},
    "ebm2d_dl_ckpt": {"en": "Trained model (.pt)", "zh": "训练好的模型（.pt）"},
    "ebm2d_dl_gif_train": {"en": "Training animation (GIF)", "zh": "训练过程动画（GIF）"},
    "ebm2d_dl_gif_sample": {"en": "Sampling animation (GIF)", "zh": "采样过程动画（GIF）"},
    "ebm2d_dl_gif_anneal": {"en": "Annealed Langevin animation (GIF)", "zh": "退火朗之万动画（GIF）"},
    "ebm2d_dl_help": {
        "en": "The checkpoint loads with torch.load(path, weights_only=True); `python -m ebm_core generate FILE.pt "
              "--n 1000 --out samples.npz` samples from it.",
        "zh": "检查点可用 `torch.load(path, weights_only=True)` 读取；`python -m ebm_core generate FILE.pt "
              "--n 1000 --out samples.npz` 可从中采样。"},
    # --- things to try -----------------------------------------------------------------------
    "ebm2d_try": {"en": "Things to try", "zh": "试一试"},
}
