"""Strings of the Foundations page (keys "fd_"): the lecture's slides without a demo elsewhere, as
live panels (plain Monte Carlo vs MCMC, Markov chains, KL fits, EBM as classifier, volume of g)."""

S: dict[str, dict[str, str]] = {
    "page_foundations": {"en": "Foundations", "zh": "基础"},
    "fd_title": {"en": "Foundations: the slides behind MCMC and EBMs, computed exactly",
                 "zh": "基础：MCMC 与能量模型背后的讲义内容，精确计算"},
    "fd_intro": {"en": "Five slides of the lecture that the other pages take for granted, each as a live panel with "
                       "its formula. In 2D the grid computes what the lecture calls intractable, so every number "
                       "here has an exact answer beside it.",
                 "zh": "其他页面默认已知的五部分讲义内容，每部分都是带公式的交互面板。在二维中，网格可以算出讲义所说的"
                       "“难以计算”的量，因此这里的每个数字旁边都有精确答案。"},
    "fd_look": {"en": "What to look at", "zh": "看什么"},
    "fd_departs": {"en": "Where the app departs from the slides", "zh": "与讲义的不同之处"},
    "fd_tab_mc": {"en": "Monte Carlo vs MCMC", "zh": "蒙特卡罗与 MCMC 对比"},
    "fd_tab_markov": {"en": "Markov chains", "zh": "马尔可夫链"},
    "fd_tab_kl": {"en": "KL and maximum likelihood", "zh": "KL 散度与极大似然"},
    "fd_tab_classifier": {"en": "EBM and classifiers", "zh": "能量模型与分类器"},
    "fd_tab_volume": {"en": "Distribution from g ≥ 0", "zh": "由 g ≥ 0 构造分布"},
    "fd_target": {"en": "Target p(x) ∝ exp(−E(x))", "zh": "目标分布 p(x) ∝ exp(−E(x))"},
    "fd_seed": {"en": "Seed", "zh": "随机种子"},
    "fd_exact": {"en": "exact (grid)", "zh": "精确值（网格）"},
    # --- 1. plain Monte Carlo vs MCMC ------------------------------------------------------------
    "fd_mc_look": {"en": "Same N draws, same f: both estimates land near the exact E_p[f], but the chain's error bar "
                         "(MCSE = sd/√ESS) is wider, because N correlated draws are worth only ESS independent ones.",
                   "zh": "同样 N 个样本、同样的 f：两个估计都接近精确的 E_p[f]，但链的误差条（MCSE = 标准差/√ESS）更宽，"
                         "因为 N 个相关样本只相当于 ESS 个独立样本。"},
    "fd_mc_departs": {"en": "The slides say i.i.d. sampling from p = exp(−E)/Z is usually impossible; in 2D the grid "
                            "does it exactly (a cell by its probability, then a uniform point inside it). The chain is "
                            "random-walk Metropolis–Hastings (Algorithm 19.2) from a corner of the box; its n = m + N "
                            "steps keep the last N. T = 1 throughout.",
                      "zh": "讲义指出通常无法从 p = exp(−E)/Z 独立同分布采样；在二维中网格可以精确做到（先按概率选格子，"
                            "再在格内均匀取点）。链是从区域一角出发的随机游走 Metropolis–Hastings（算法 19.2）；"
                            "共 n = m + N 步，保留最后 N 个。全程 T = 1。"},
    "fd_mc_n": {"en": "Budget N (draws for each)", "zh": "预算 N（各自的样本数）"},
    "fd_mc_m": {"en": "Chain's burn-in m", "zh": "链的燃烧期 m"},
    "fd_mc_sigma": {"en": "Chain's proposal width σ", "zh": "链的建议分布宽度 σ"},
    "fd_mc_f": {"en": "f(x) in E_p[f]", "zh": "E_p[f] 中的 f(x)"},
    "fd_mc_iid": {"en": "Plain Monte Carlo: N i.i.d. draws from the grid", "zh": "普通蒙特卡罗：从网格独立抽取 N 个样本"},
    "fd_mc_chain": {"en": "MCMC: one MH chain, N draws after burn-in", "zh": "MCMC：一条 MH 链，燃烧期后 N 个样本"},
    "fd_mc_estimate": {"en": "Estimate", "zh": "估计值"},
    "fd_mc_error": {"en": "Error / MCSE", "zh": "误差 / MCSE"},
    "fd_mc_mcse": {"en": "MCSE", "zh": "MCSE"},
    "fd_mc_ess": {"en": "ESS", "zh": "ESS"},
    "fd_mc_numbers": {"en": "exact E_p[f] = {e:.4f}; acceptance of the chain {a:.0%}",
                      "zh": "精确 E_p[f] = {e:.4f}；链的接受率 {a:.0%}"},
    "fd_mc_running": {"en": "Running estimate against the number of draws", "zh": "随样本数变化的累计估计"},
    "fd_mc_burn": {"en": "burn-in", "zh": "燃烧期"},
    "fd_mc_draws": {"en": "draws", "zh": "样本"},
    # --- 2. Markov chains ------------------------------------------------------------------------
    "fd_mk_look": {"en": "Whatever the start, π_t = π₀Pᵗ comes to the same π, the left eigenvector of P for "
                         "eigenvalue 1, and the gap shrinks like |λ₂|ᵗ. Detailed balance is stronger than "
                         "stationarity: the cycle example is stationary but its flows go round.",
                   "zh": "无论从哪里出发，π_t = π₀Pᵗ 都趋于同一个 π（P 对应特征值 1 的左特征向量），差距按 |λ₂|ᵗ 缩小。"
                         "细致平衡比平稳更强：“循环”示例是平稳的，但概率流在绕圈。"},
    "fd_mk_departs": {"en": "The slides use a transition kernel on a continuous space; here it is a 3 × 3 matrix, "
                            "so that π and every flow are exact numbers. Rows you type are divided by their sum.",
                      "zh": "讲义使用连续空间上的转移核；这里是 3 × 3 的矩阵，因此 π 和每个概率流都是精确数字。"
                            "输入的每一行会除以该行之和。"},
    "fd_mk_matrix": {"en": "Transition matrix P (row i: from state i)", "zh": "转移矩阵 P（第 i 行：从状态 i 出发）"},
    "fd_mk_start": {"en": "Start π₀: all mass on state", "zh": "初始分布 π₀：全部概率在状态"},
    "fd_mk_tmax": {"en": "Steps t", "zh": "步数 t"},
    "fd_mk_ex_reversible": {"en": "Example: birth–death (reversible)", "zh": "示例：生灭链（可逆）"},
    "fd_mk_ex_cycle": {"en": "Example: a cycle (stationary, not reversible)", "zh": "示例：循环（平稳但不可逆）"},
    "fd_mk_ex_periodic": {"en": "Example: periodic", "zh": "示例：周期链"},
    "fd_mk_negative": {"en": "Row {i}: negative entries set to 0.", "zh": "第 {i} 行：负数已置为 0。"},
    "fd_mk_zero_row": {"en": "Row {i} sums to 0: replaced by the uniform row (1/3, 1/3, 1/3).",
                       "zh": "第 {i} 行之和为 0：已替换为均匀行 (1/3, 1/3, 1/3)。"},
    "fd_mk_renormalised": {"en": "Row {i} summed to {s:.3g}, not 1: divided by its sum.",
                           "zh": "第 {i} 行之和为 {s:.3g}，不是 1：已除以该行之和。"},
    "fd_mk_pi": {"en": "Stationary π (eigenvector)", "zh": "平稳分布 π（特征向量）"},
    "fd_mk_lambda2": {"en": "|λ₂| (rate)", "zh": "|λ₂|（收敛速度）"},
    "fd_mk_gap": {"en": "TV(π_t, π) at t = {t}", "zh": "t = {t} 时的 TV(π_t, π)"},
    "fd_mk_path_title": {"en": "π_t = π₀Pᵗ, state by state (dashed: π)", "zh": "π_t = π₀Pᵗ，逐个状态（虚线：π）"},
    "fd_mk_tv_title": {"en": "TV(π_t, π) and |λ₂|ᵗ", "zh": "TV(π_t, π) 与 |λ₂|ᵗ"},
    "fd_mk_state": {"en": "state {i}", "zh": "状态 {i}"},
    "fd_mk_balance": {"en": "Detailed balance, pair by pair", "zh": "逐对检查细致平衡"},
    "fd_mk_pair": {"en": "pair i, j", "zh": "状态对 i, j"},
    "fd_mk_diff": {"en": "difference", "zh": "差"},
    "fd_mk_reversible": {"en": "Detailed balance holds: the chain is reversible (largest gap {g:.1e}).",
                         "zh": "细致平衡成立：链是可逆的（最大差 {g:.1e}）。"},
    "fd_mk_not_reversible": {"en": "Detailed balance fails (largest gap {g:.4f}): π is stationary (πP = π, checked: "
                                   "{s:.1e}) but the chain is not reversible; probability flows round the states.",
                             "zh": "细致平衡不成立（最大差 {g:.4f}）：π 是平稳的（πP = π，误差 {s:.1e}），但链不可逆；"
                                   "概率在状态之间绕圈流动。"},
    "fd_mk_periodic": {"en": "Periodic chain: another eigenvalue has |λ| = 1, so π_t keeps cycling and never reaches π.",
                       "zh": "周期链：另有特征值 |λ| = 1，因此 π_t 不断循环，永远到不了 π。"},
    "fd_mk_reducible": {"en": "Eigenvalue 1 is not simple: the chain is reducible and π depends on the start (shown: "
                              "the long-run average from this π₀).",
                        "zh": "特征值 1 不是单根：链可约，π 依赖于初始分布（显示的是从该 π₀ 出发的长期平均）。"},
    # --- 3. KL and maximum likelihood ------------------------------------------------------------
    "fd_kl_look": {"en": "One Gaussian cannot fit three modes. KL(p‖q) (maximum likelihood) spreads q over all of "
                         "them; KL(q‖p) (the variational direction) hugs one mode and ignores the others, and which "
                         "one depends on where Adam starts.",
                   "zh": "一个高斯分布拟合不了三个模式。KL(p‖q)（极大似然）让 q 覆盖所有模式；KL(q‖p)（变分方向）"
                         "紧贴一个模式而忽略其他模式，贴哪个取决于 Adam 的起点。"},
    "fd_kl_departs": {"en": "The slides minimise KL(p_data‖p_θ) from samples; here p is known on the grid, so KL is "
                            "computed exactly and the maximum-likelihood Gaussian is the moment match (closed form). "
                            "KL(q‖p) is minimised by Adam (lr 0.05) from μ₀ below and Σ₀ = I, with q restricted to the "
                            "grid's box and renormalised there.",
                      "zh": "讲义用样本最小化 KL(p_data‖p_θ)；这里 p 在网格上已知，因此 KL 精确计算，极大似然高斯就是"
                            "矩匹配（闭式解）。KL(q‖p) 用 Adam（学习率 0.05）从下面的 μ₀ 和 Σ₀ = I 出发最小化，"
                            "q 限制在网格区域内并在其中重新归一化。"},
    "fd_kl_temperature": {"en": "Temperature T of p_T", "zh": "p_T 的温度 T"},
    "fd_kl_x0": {"en": "Adam's start μ₀, x", "zh": "Adam 起点 μ₀，x"},
    "fd_kl_y0": {"en": "Adam's start μ₀, y", "zh": "Adam 起点 μ₀，y"},
    "fd_kl_steps": {"en": "Adam steps", "zh": "Adam 步数"},
    "fd_kl_fwd": {"en": "argmin KL(p‖q): moment matching = maximum likelihood",
                  "zh": "argmin KL(p‖q)：矩匹配 = 极大似然"},
    "fd_kl_rev": {"en": "argmin KL(q‖p): variational, from μ₀ = ({x:g}, {y:g})",
                  "zh": "argmin KL(q‖p)：变分近似，起点 μ₀ = ({x:g}, {y:g})"},
    "fd_kl_table_q": {"en": "q", "zh": "q"},
    "fd_kl_mean": {"en": "mean μ", "zh": "均值 μ"},
    "fd_kl_cov": {"en": "covariance Σ", "zh": "协方差 Σ"},
    "fd_kl_row_fwd": {"en": "mass-covering (KL(p‖q))", "zh": "覆盖质量（KL(p‖q)）"},
    "fd_kl_row_rev": {"en": "mode-seeking (KL(q‖p))", "zh": "寻找模式（KL(q‖p)）"},
    "fd_kl_history": {"en": "KL(q‖p) during Adam", "zh": "Adam 过程中的 KL(q‖p)"},
    "fd_kl_step": {"en": "step", "zh": "步"},
    # --- 4. EBM and classifiers ------------------------------------------------------------------
    "fd_cl_look": {"en": "The logistic formula with the bias b, which needs the exact Z(θ), draws the same map as "
                         "Bayes' rule on the two densities (the gap is round-off). Raise ρ: the boundary p = ½ moves "
                         "outward, only through b.",
                   "zh": "带偏置 b（需要精确的 Z(θ)）的逻辑斯谛公式，与对两个密度用贝叶斯公式得到的图完全相同（差距只是"
                         "舍入误差）。增大 ρ：边界 p = ½ 向外移动，只通过 b 起作用。"},
    "fd_cl_departs": {"en": "Positives come from the EBM p_θ(x) = exp(f_θ(x)) q(x)/Z(θ) with f_θ = −E (T = 1), negatives "
                            "from the base measure q = N(0, s²I) (the slides' Gaussian white noise); Z(θ) is integrated "
                            "on the grid of the target's box. The three-class map below uses the mixture's components "
                            "as E_c (no q) with priors ρ_c = 0.3, 0.3, 0.4.",
                      "zh": "正样本来自能量模型 p_θ(x) = exp(f_θ(x)) q(x)/Z(θ)，f_θ = −E（T = 1），负样本来自基测度 "
                            "q = N(0, s²I)（讲义中的高斯白噪声）；Z(θ) 在目标区域的网格上积分。下方三分类图以混合分布的"
                            "各分量为 E_c（不含 q），先验 ρ_c = 0.3, 0.3, 0.4。"},
    "fd_cl_rho": {"en": "Prior ρ = p(y=1)", "zh": "先验 ρ = p(y=1)"},
    "fd_cl_s": {"en": "Width s of q = N(0, s²I)", "zh": "q = N(0, s²I) 的宽度 s"},
    "fd_cl_logz": {"en": "log Z(θ) (grid)", "zh": "log Z(θ)（网格）"},
    "fd_cl_b": {"en": "b = log ρ/(1−ρ) − log Z(θ)", "zh": "b = log ρ/(1−ρ) − log Z(θ)"},
    "fd_cl_gap": {"en": "max |formula − Bayes|", "zh": "max |公式 − 贝叶斯|"},
    "fd_cl_map": {"en": "P(y=1|x) = σ(f_θ(x) + b); white line: ½", "zh": "P(y=1|x) = σ(f_θ(x) + b)；白线：½"},
    "fd_cl_soft": {"en": "softmax(−E_c + b_c); red/green/blue: class 1/2/3",
                   "zh": "softmax(−E_c + b_c)；红/绿/蓝：类别 1/2/3"},
    "fd_cl_soft_gap": {"en": "Three classes: max |softmax − Bayes| = {g:.1e}; b_c = {b}",
                       "zh": "三个类别：max |softmax − 贝叶斯| = {g:.1e}；b_c = {b}"},
    # --- 5. distribution from g ≥ 0 ---------------------------------------------------------------
    "fd_vol_look": {"en": "Any g ≥ 0 with a finite volume becomes a distribution by dividing by the volume. The grid's "
                          "volume matches √(2πσ²) once the grid covers the tails; the Cauchy shape's heavy tails "
                          "need a very wide grid.",
                    "zh": "任何体积有限的 g ≥ 0 除以其体积就成为一个分布。网格覆盖到尾部后，网格体积与 √(2πσ²) 一致；"
                          "柯西形状的厚尾需要非常宽的网格。"},
    "fd_vol_departs": {"en": "Slide errata: the volume is printed as ∫ e^{−(x−μ)/2σ²} dx (the square is missing) and "
                             "p_θ(x) with a stray ∫. The Laplace and Cauchy shapes are additions; the volume is a "
                             "midpoint sum on a 1D grid of [μ − W, μ + W].",
                       "zh": "讲义勘误：体积被印成 ∫ e^{−(x−μ)/2σ²} dx（缺了平方），p_θ(x) 前多了一个 ∫。拉普拉斯与柯西"
                             "形状为补充；体积是在 [μ − W, μ + W] 上一维网格的中点和。"},
    "fd_vol_shape": {"en": "g(x)", "zh": "g(x)"},
    "fd_vol_shape_gaussian": {"en": "exp(−(x−μ)²/2σ²) (the slides')", "zh": "exp(−(x−μ)²/2σ²)（讲义中的）"},
    "fd_vol_shape_laplace": {"en": "exp(−|x−μ|/σ)", "zh": "exp(−|x−μ|/σ)"},
    "fd_vol_shape_cauchy": {"en": "1/(1 + ((x−μ)/σ)²)", "zh": "1/(1 + ((x−μ)/σ)²)"},
    "fd_vol_mu": {"en": "μ", "zh": "μ"},
    "fd_vol_sigma": {"en": "σ", "zh": "σ"},
    "fd_vol_w": {"en": "Grid half-width W", "zh": "网格半宽 W"},
    "fd_vol_cells": {"en": "Grid cells", "zh": "网格格数"},
    "fd_vol_grid": {"en": "Volume on the grid", "zh": "网格上的体积"},
    "fd_vol_exact": {"en": "Volume, closed form", "zh": "体积（闭式解）"},
    "fd_vol_rel": {"en": "Relative error", "zh": "相对误差"},
    "fd_vol_plot": {"en": "g(x) and p_θ(x) = g(x)/Volume(g)", "zh": "g(x) 与 p_θ(x) = g(x)/体积(g)"},
}

_SUB = "₁₂₃"
# the nine entries of the 3 × 3 transition matrix, P_ij (the same in both languages)
S.update({f"fd_mk_p{i}{j}": {"en": f"P{_SUB[i - 1]}{_SUB[j - 1]}", "zh": f"P{_SUB[i - 1]}{_SUB[j - 1]}"}
          for i in (1, 2, 3) for j in (1, 2, 3)})
