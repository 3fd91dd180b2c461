"""Every visible string, in English and 中文.  ``t(key, **values)`` picks the current language."""

from __future__ import annotations

import streamlit as st

LANGS = {"en": "English", "zh": "中文"}
DEFAULT_LANG = "en"

S: dict[str, dict[str, str]] = {
    # --- app frame -------------------------------------------------------------------------
    "app_title": {"en": "EBM Lab", "zh": "EBM 实验室"},
    "language": {"en": "Language / 语言", "zh": "语言 / Language"},
    "presentation": {"en": "Presentation mode (large text)", "zh": "演示模式（大字体）"},
    "page_home": {"en": "Home", "zh": "首页"},
    "page_mcmc": {"en": "MCMC samplers", "zh": "MCMC 采样"},
    # --- live work (ui/live.py) ---------------------------------------------------------------
    "live_start": {"en": "▶ Train", "zh": "▶ 开始训练"},
    "live_more": {"en": "▶ Train more", "zh": "▶ 继续训练"},
    "live_pause": {"en": ":material/pause: Pause", "zh": ":material/pause: 暂停"},
    "live_resume": {"en": "▶ Resume", "zh": "▶ 继续"},
    "live_stop": {"en": ":material/stop: Stop", "zh": ":material/stop: 停止"},
    "live_reset": {"en": "↺ Reset", "zh": "↺ 重置"},
    # --- home ------------------------------------------------------------------------------
    "home_title": {"en": "EBM Lab — energy-based models you can see", "zh": "EBM 实验室 —— 看得见的能量模型"},
    "home_intro": {
        "en": "An interactive companion to Lecture 5 (energy-based models). Each page makes one part of the "
              "lecture move: pick a page in the sidebar, change a slider, and watch the mathematics respond.",
        "zh": "第 5 讲（能量模型）的交互式配套工具。每个页面让讲义的一部分动起来：在侧边栏选择页面，拖动滑块，观察数学如何响应。"},
    "topic_mcmc": {"en": "1 · Markov chain Monte Carlo", "zh": "1 · 马尔可夫链蒙特卡罗法"},
    "topic_mcmc_body": {
        "en": "Metropolis–Hastings (Algorithm 19.2), Gibbs sampling (Algorithm 19.3), Langevin dynamics, MALA and HMC "
              "walking a 2D landscape: burn-in m, several chains reaching one distribution, acceptance, ESS, R-hat "
              "and the running estimate f_mn against the exact answer.",
        "zh": "Metropolis–Hastings（算法 19.2）、吉布斯抽样（算法 19.3）、朗之万动力学、MALA 与 HMC 在二维能量地形上游走："
              "燃烧期 m、多条链收敛到同一分布、接受率、ESS、R-hat，以及与精确值对比的样本均值 f_mn。"},
    "topic_landscape": {"en": "2 · Energy landscapes and learning an EBM", "zh": "2 · 能量地形与能量模型的学习"},
    "topic_landscape_body": {
        "en": "p(x) = exp(−E(x)/T)/Z as surfaces and contours; a neural energy learned from 2D data by maximum "
              "likelihood with MCMC negative samples.",
        "zh": "以曲面和等高线展示 p(x) = exp(−E(x)/T)/Z；用极大似然与 MCMC 负样本从二维数据学习神经网络能量函数。"},
    "topic_rbm": {"en": "3 · Restricted Boltzmann machines", "zh": "3 · 受限玻尔兹曼机"},
    "topic_rbm_body": {
        "en": "Contrastive divergence (CD-k, PCD) on MNIST, block Gibbs sampling, filters and AIS likelihoods.",
        "zh": "在 MNIST 上的对比散度（CD-k、PCD）、块吉布斯采样、滤波器与 AIS 似然估计。"},
    "topic_deep": {"en": "4 · Deep belief nets and deep Boltzmann machines", "zh": "4 · 深度信念网络与深度玻尔兹曼机"},
    "topic_deep_body": {
        "en": "Greedy layer-wise stacking, wake-sleep fine-tuning, mean-field inference and persistent chains.",
        "zh": "逐层贪心堆叠、wake-sleep 微调、平均场推断与持续马尔可夫链。"},
    "open_page": {"en": "Open the page", "zh": "打开页面"},
    "offline_note": {
        "en": "Everything runs on this computer: no GPU and no internet needed.",
        "zh": "一切都在本机运行：不需要 GPU，也不需要联网。"},
    # --- MCMC page: controls ---------------------------------------------------------------
    "mcmc_title": {"en": "MCMC: chains walking an energy landscape", "zh": "MCMC：在能量地形上游走的马尔可夫链"},
    "target": {"en": "Target p(x) ∝ exp(−E(x)/T)", "zh": "目标分布 p(x) ∝ exp(−E(x)/T)"},
    "formula": {"en": "Energy E(x, y) =", "zh": "能量 E(x, y) ="},
    "outside_box": {"en": "Some draws lie outside the drawn box (chain {chain}: {pct:.1f} % of its steps); while a chain "
                          "is out there, a triangle on the edge points to it.",
                    "zh": "部分样本位于绘图范围之外（第 {chain} 条链：{pct:.1f}% 的步）；链在范围外时，边缘上的三角形指向它。"},
    "box_half": {"en": "Box half-width h (x, y in [−h, h])", "zh": "范围半宽 h（x, y ∈ [−h, h]）"},
    "box_half_help": {"en": "Where the formula is drawn and integrated exactly. Widen it when the mass reaches the edge.",
                      "zh": "公式绘制及精确积分的范围。若概率质量到达边缘，请加大。"},
    "formula_help": {
        "en": "Variables x, y; numbers; + − * / ** (exponent a number ≤ 16); functions: {functions}.",
        "zh": "变量 x, y；数字；+ − * / **（指数须为不超过 16 的数字）；函数：{functions}。"},
    "formula_error": {"en": "This formula was not accepted: {message}", "zh": "公式未被接受：{message}"},
    "formula_empty": {"en": "the formula is empty. Type an energy in x and y, e.g. `x**2 + y**2`.",
                      "zh": "公式为空。请输入关于 x 和 y 的能量，例如 `x**2 + y**2`。"},
    "formula_fallback": {"en": "Showing the last valid formula instead.", "zh": "仍显示上一个有效的公式。"},
    "sampler": {"en": "Sampler", "zh": "采样方法"},
    "step_size_mh": {"en": "Proposal width σ", "zh": "建议分布宽度 σ"},
    "step_size_ind": {"en": "Independence proposal width σ_q", "zh": "独立建议分布宽度 σ_q"},
    "step_size_eps": {"en": "Step size ε (= Δt)", "zh": "步长 ε（= Δt）"},
    "temperature": {"en": "Temperature T", "zh": "温度 T"},
    "leapfrog": {"en": "Leapfrog steps L", "zh": "蛙跳步数 L"},
    "chains": {"en": "Chains", "zh": "链的条数"},
    "steps": {"en": "Steps n", "zh": "迭代步数 n"},
    "burn_in": {"en": "Burn-in m", "zh": "燃烧期 m"},
    "seed": {"en": "Seed", "zh": "随机种子"},
    "starts": {"en": "Starting points", "zh": "初始点"},
    "starts_spread": {"en": "spread over the box", "zh": "分散在区域内"},
    "starts_corner": {"en": "all in one corner", "zh": "都在同一角落"},
    "starts_clicked": {"en": "where I click", "zh": "我点击的位置"},
    "starts_typed": {"en": "typed coordinates", "zh": "输入坐标"},
    "typed_points": {"en": "Starting points x, y; x, y; …", "zh": "初始点 x, y; x, y; ……"},
    "points_format": {"en": "Write points as x, y separated by semicolons, e.g. -3, 3; 3, -3.",
                      "zh": "请按 x, y 的格式书写，用分号分隔，例如 -3, 3; 3, -3。"},
    "points_range": {"en": "A starting point lies too far outside the picture ({box}).",
                     "zh": "有初始点离图像区域太远（{box}）。"},
    "vs_exact": {"en": "{d:+.4f} from the exact {e:.4f}", "zh": "{d:+.4f}（精确值 {e:.4f}）"},
    "clicked_help": {"en": "Click the picture to add a start ({n} so far).", "zh": "点击图片添加初始点（已有 {n} 个）。"},
    "click_tip": {"en": "Tip: choose “where I click”, then click the picture to start chains there.",
                  "zh": "提示：选择“我点击的位置”，再点击图片，即可从该处出发。"},
    "clear_clicks": {"en": "Clear clicked points", "zh": "清除点击的点"},
    "show": {"en": "Background", "zh": "背景"},
    "show_density": {"en": "density p_T(x)", "zh": "密度 p_T(x)"},
    "show_energy": {"en": "energy E(x)", "zh": "能量 E(x)"},
    "f_choice": {"en": "f(x) for the estimate f_mn", "zh": "估计 f_mn 所用的函数 f(x)"},
    "clamped": {"en": "{name}: {value} is outside {lo} … {hi}; using {used}.", "zh": "{name}：{value} 超出范围 {lo} … {hi}；已改用 {used}。"},
    "bad_value": {"en": "{name}: {value} is not valid; using {used}.", "zh": "{name}：{value} 无效；已改用 {used}。"},
    "running": {"en": "Running {chains} chains × {steps} steps …", "zh": "正在运行 {chains} 条链 × {steps} 步……"},
    "sampler_mh": {"en": "Metropolis–Hastings (random walk)", "zh": "Metropolis–Hastings（随机游走）"},
    "sampler_mh-independent": {"en": "Metropolis–Hastings (independence)", "zh": "Metropolis–Hastings（独立抽样）"},
    "sampler_gibbs": {"en": "Gibbs (one coordinate at a time)", "zh": "吉布斯抽样（逐个坐标）"},
    "sampler_ula": {"en": "Langevin dynamics (ULA)", "zh": "朗之万动力学（ULA）"},
    "sampler_mala": {"en": "MALA (Langevin + MH test)", "zh": "MALA（朗之万 + MH 接受检验）"},
    "sampler_hmc": {"en": "Hamiltonian Monte Carlo (HMC)", "zh": "哈密顿蒙特卡罗（HMC）"},
    "sampler_mh-independent-noq": {"en": "Metropolis–Hastings (independence), q terms ignored (wrong)",
                                   "zh": "Metropolis–Hastings（独立抽样），忽略 q 项（错误做法）"},
    "target_gaussian": {"en": "Correlated Gaussian (ρ = 0.9)", "zh": "相关高斯分布（ρ = 0.9）"},
    "target_mixture": {"en": "Gaussian mixture, 3 modes", "zh": "高斯混合（3 个模式）"},
    "target_banana": {"en": "Banana (curved ridge)", "zh": "香蕉形（弯曲山脊）"},
    "target_donut": {"en": "Donut (ring)", "zh": "甜甜圈（圆环）"},
    "target_funnel": {"en": "Neal's funnel", "zh": "Neal 漏斗"},
    "target_squiggle": {"en": "Squiggle (sine ridge)", "zh": "波浪形（正弦山脊）"},
    "target_u1": {"en": "Rezende–Mohamed U1 (split ring)", "zh": "Rezende–Mohamed U1（断开的圆环）"},
    "target_u2": {"en": "Rezende–Mohamed U2 (sine valley)", "zh": "Rezende–Mohamed U2（正弦山谷）"},
    "target_u3": {"en": "Rezende–Mohamed U3 (forked valley)", "zh": "Rezende–Mohamed U3（分叉山谷）"},
    "target_custom": {"en": "Custom formula …", "zh": "自定义公式……"},
    # --- canvas ----------------------------------------------------------------------------
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "step_btn": {"en": "Step", "zh": "单步"},
    "reset": {"en": "Reset", "zh": "重置"},
    "speed": {"en": "Speed (steps/s)", "zh": "速度（步/秒）"},
    "step_counter": {"en": "step {i} / {n}", "zh": "第 {i} / {n} 步"},
    "burn_in_note": {"en": "faded: burn-in (m = {m})", "zh": "淡色：燃烧期（m = {m}）"},
    "accepted": {"en": "accepted", "zh": "接受"},
    "start": {"en": "start", "zh": "起点"},
    "speed_unit": {"en": "steps/s", "zh": "步/秒"},
    "x_axis": {"en": "x", "zh": "x"},
    "y_axis": {"en": "y", "zh": "y"},
    "rejected": {"en": "rejected", "zh": "拒绝"},
    # --- numbers ---------------------------------------------------------------------------
    "acceptance": {"en": "Acceptance rate", "zh": "接受率"},
    "ess_bulk": {"en": "ESS (bulk) x / y", "zh": "ESS 主体 x / y"},
    "ess_tail": {"en": "ESS (tail) x / y", "zh": "ESS 尾部 x / y"},
    "rhat": {"en": "R-hat x / y", "zh": "R-hat x / y"},
    "rhat_help": {"en": "Rank-normalised split R-hat; below 1.01 the chains agree.", "zh": "秩归一化分裂 R-hat；小于 1.01 说明各链一致。"},
    "ess_help": {"en": "Effective sample size after burn-in (arviz-stats).", "zh": "燃烧期之后的有效样本量 ESS（arviz-stats）。"},
    "estimate": {"en": "f_mn vs exact", "zh": "f_mn 与精确值"},
    "diverged": {
        "en": "{k} chain(s) diverged (ran off to infinity or produced NaN) and were stopped. "
              "Lower the step size or press Reset.",
        "zh": "{k} 条链发散（跑向无穷或出现 NaN），已被停止。请减小步长，或点击“重置”。"},
    "reset_settings": {"en": "Reset settings", "zh": "恢复默认设置"},
    "grid_not_normalisable": {
        "en": "exp(−E/T) cannot be normalised on this box: the samplers have no distribution to reach.",
        "zh": "exp(−E/T) 在此区域上无法归一化：采样器没有可收敛的分布。"},
    "grid_mass_at_edge": {
        "en": "Part of p_T's mass lies beyond the widest box the grid integrates (up to 32 times the drawn box, "
              "widened with T): the energy may not be normalisable (E should grow as |x| grows), or p_T spreads "
              "too far at this T. Exact values below only cover that box.",
        "zh": "p_T 的部分概率质量超出了网格积分的最大区域（随 T 放宽，最多为所画区域的 32 倍）：该能量可能不可归一化"
              "（|x| 增大时 E 应增大），或在此温度下 p_T 扩散得太远。下面的精确值只覆盖该区域。"},
    "grid_nonfinite": {"en": "E is not finite at part of the box (treated as zero density there).",
                       "zh": "E 在区域的部分位置不是有限值（这些位置视为密度为零）。"},
    "tab_traces": {"en": "Traces", "zh": "轨迹"},
    "numbers_follow": {"en": "The numbers and charts follow once the picture is drawn …",
                       "zh": "图像绘出后，数值与图表随即显示……"},
    "tab_acf": {"en": "Autocorrelation", "zh": "自相关"},
    "tab_hist": {"en": "Histograms", "zh": "直方图"},
    "tab_fmn": {"en": "Running estimate f_mn", "zh": "样本均值 f_mn"},
    "trace_title": {"en": "Trace of {coord} (shaded: burn-in)", "zh": "{coord} 的轨迹（阴影：燃烧期）"},
    "acf_title": {"en": "Autocorrelation of {coord} after burn-in", "zh": "燃烧期后 {coord} 的自相关"},
    "hist_title": {"en": "Marginal of {coord}: samples vs exact", "zh": "{coord} 的边缘分布：样本与精确值"},
    "fmn_title": {"en": "f_mn = 1/(C(n−m)) Σ_c Σ_i f(x_i^(c)) (C chains pooled) as n grows",
                  "zh": "随 n 增长的 f_mn = 1/(C(n−m)) Σ_c Σ_i f(x_i^(c))（合并 C 条链）"},
    "step": {"en": "step i", "zh": "步数 i"},
    "value": {"en": "value", "zh": "取值"},
    "lag": {"en": "lag k", "zh": "滞后 k"},
    "density": {"en": "density", "zh": "密度"},
    "samples": {"en": "samples", "zh": "样本"},
    "exact": {"en": "exact (grid)", "zh": "精确值（网格积分）"},
    "burn_in_short": {"en": "burn-in", "zh": "燃烧期"},
    # --- explain ---------------------------------------------------------------------------
    "explain": {"en": "Explain one step", "zh": "单步详解"},
    "explain_chain": {"en": "Chain", "zh": "链"},
    "explain_step_i": {"en": "Step i", "zh": "步数 i"},
    "decision_accept": {"en": "u < α, so the chain moves: x_i = x′.", "zh": "u < α，链移动到 x′：x_i = x′。"},
    "decision_reject": {"en": "u ≥ α, so the chain stays: x_i = x_(i−1).", "zh": "u ≥ α，链停留在原处：x_i = x_(i−1)。"},
    "gibbs_always": {"en": "Each draw comes from the exact full conditional, so Gibbs accepts every move.",
                     "zh": "每次都从精确的满条件分布抽样，因此吉布斯抽样接受每一次移动。"},
    "gibbs_grid": {"en": "Here the conditional is tabulated on a grid along the whole line the exact numbers integrate "
                          "over (wider than the picture at high T), refined where its mass lies, and sampled by its "
                          "inverse CDF.",
                   "zh": "此处条件分布在精确值所积分的整条直线上（高温时比画面更宽）列表，在其质量所在处加密，"
                         "并用逆累积分布函数抽样。"},
    "ula_always": {"en": "ULA always moves (no accept/reject): its stationary law is only close to p_T when ε is small.",
                   "zh": "ULA 总是移动（没有接受/拒绝）：只有当 ε 很小时，其平稳分布才接近 p_T。"},
    "hmc_note": {"en": "H(x, p) = E(x)/T + |p|²/2 is nearly conserved by leapfrog; α = min(1, exp(H − H′)).",
                 "zh": "蛙跳积分近似守恒 H(x, p) = E(x)/T + |p|²/2；α = min(1, exp(H − H′))。"},
    # --- lecture ---------------------------------------------------------------------------
    "formulas": {"en": "The lecture's formulas", "zh": "讲义中的公式"},
    "things_to_try": {"en": "Things to try", "zh": "动手试试"},
    "try_1": {"en": "MH with a giant σ = 8 on the mixture: almost every proposal lands in empty space; the acceptance rate "
                    "collapses to about 3 % (about 45 % at σ = 0.8).",
              "zh": "在混合分布上用巨大的 σ = 8 的 MH：几乎所有候选点都落在空旷处，接受率骤降到约 3%（σ = 0.8 时约 45%）。"},
    "try_2": {"en": "Mixture at T = 0.2: each chain stays stuck in the mode it starts in; R-hat rises far above 1 (about 2.4 / 1.7).",
              "zh": "混合分布、T = 0.2：每条链都困在起始的模式中；R-hat 远大于 1（约 2.4 / 1.7）。"},
    "try_3": {"en": "Gibbs on the correlated Gaussian (ρ = 0.9): axis-parallel zig-zag moves, slow along the diagonal; each "
                    "sweep keeps a correlation ρ² = 0.81, so the ESS is only about (1 − ρ²)/(1 + ρ²) ≈ 10 % of the draws.",
              "zh": "在相关高斯分布（ρ = 0.9）上用吉布斯抽样：沿坐标轴的锯齿形移动，沿对角线方向很慢；每次扫描保留相关性 ρ² = 0.81，"
                    "因此 ESS 只有样本数的约 (1 − ρ²)/(1 + ρ²) ≈ 10%。"},
    "try_4": {"en": "ULA with ε = 0.3 on the Gaussian, f = (x−y)²: f_mn ≈ 0.8 against the exact 0.2, because ULA's bias "
                    "lies across the narrow diagonal (f = x² barely sees it); MALA with the same ε gives 0.2.",
              "zh": "在高斯分布上用 ε = 0.3 的 ULA，f = (x−y)²：f_mn ≈ 0.8，而精确值为 0.2，因为 ULA 的偏差位于窄的对角方向"
                    "（f = x² 几乎看不出来）；相同 ε 的 MALA 给出 0.2。"},
    "try_5": {"en": "Start all chains in one corner of the Gaussian (300 steps, f = x²): with m = 0, f_mn ≈ 1.5 counts the walk in "
                    "from x² = 16; raise m to 50, until the faded burn-in covers the walk in, and f_mn ≈ 0.93 (exact 1).",
              "zh": "让所有链从高斯分布的同一角落出发（300 步，f = x²）：m = 0 时 f_mn ≈ 1.5，计入了从 x² = 16 走进来的一段；"
                    "把 m 增大到 50，直到淡色的燃烧期覆盖“走进来”的一段，f_mn ≈ 0.93（精确值 1）。"},
    "try_it": {"en": "Try it", "zh": "试一试"},
    "try_ula": {"en": "ULA", "zh": "ULA"},
    "try_mala": {"en": "MALA", "zh": "MALA"},
    "try_with_q": {"en": "With q", "zh": "含 q 项"},
    "try_without_q": {"en": "Without q", "zh": "不含 q 项"},
    "share": {"en": "Share this exact picture", "zh": "分享当前画面"},
    "export_html": {"en": "This clip as an HTML file (plays offline)", "zh": "将此片段存为 HTML 文件（可离线播放）"},
    "export_help": {"en": "One file, no server needed: open it in any browser, e.g. from a slide. The picture's "
                          "PNG button saves the frame shown, 1920 px wide.",
                    "zh": "单个文件，无需服务器：可在任意浏览器中打开（例如从幻灯片链接）。图中的 PNG 按钮保存当前画面，宽 1920 像素。"},
    "export_title": {"en": "EBM Lab: {sampler}, T = {T:g}, {n} steps", "zh": "EBM 实验室：{sampler}，T = {T:g}，{n} 步"},
    "export_gif": {"en": "This clip as an animated GIF", "zh": "将此片段存为动画 GIF"},
    "gif_step": {"en": "step {i} / {n}", "zh": "第 {i} / {n} 步"},
    "gif_burn_in": {"en": "burn-in: step {i} / {n}", "zh": "燃烧期：第 {i} / {n} 步"},
    "gif_no_font": {"en": "No font with Chinese glyphs on this server: the GIF's captions are in English "
                          "(`apt-get install fonts-noto-cjk`).",
                    "zh": "本服务器没有含中文字形的字体：GIF 的说明文字为英文（`apt-get install fonts-noto-cjk`）。"},
    "home_foundations": {"en": "First, the foundations: Monte Carlo, Markov chains, KL and maximum likelihood, "
                               "EBMs as classifiers",
                         "zh": "先看基础：蒙特卡洛、马尔可夫链、KL 与最大似然、作为分类器的 EBM"},
    "save_png": {"en": "PNG", "zh": "保存 PNG"},
    "share_help": {"en": "Every setting lives in the address bar; this link restores it.",
                   "zh": "所有设置都保存在地址栏中；此链接可恢复当前画面。"},
    "grid_numbers": {"en": "Exact (grid) log Z = {logz:.4f}; mean = ({mx:.3f}, {my:.3f})",
                     "zh": "精确（网格）log Z = {logz:.4f}；均值 = ({mx:.3f}, {my:.3f})"},
}


def _merge_page_tables() -> None:
    from ui.strings import autotune, classroom, deep, ebm2d, landscape, lesson, mcmc_explain, rbm, truth
    from ui.strings import formula, foundations, linked, mcmc_records, tries, zh_complete
    for table in (landscape.S, ebm2d.S, rbm.S, deep.S, classroom.S, truth.S, mcmc_explain.S, autotune.S, lesson.S,
                  mcmc_records.S, tries.S, formula.S, zh_complete.S, linked.S, foundations.S):
        clash = set(table) & set(S)
        if clash:  # a silent overwrite would change another page's text
            raise KeyError(f"i18n keys defined twice: {sorted(clash)}")
        S.update(table)


_merge_page_tables()


def lang() -> str:
    v = st.session_state.get("lang", DEFAULT_LANG)
    return v if v in LANGS else DEFAULT_LANG


def t(key: str, **values) -> str:
    """The string for ``key`` in the current language, formatted with ``values``."""
    entry = S[key]
    text = entry.get(lang()) or entry["en"]
    return text.format(**values) if values else text
