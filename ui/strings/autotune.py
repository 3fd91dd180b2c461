"""Strings of the MCMC page's step-size adaptation panel (keys "at_")."""

S: dict[str, dict[str, str]] = {
    "at_expander": {"en": "Tune the step size automatically", "zh": "自动调节步长"},
    "at_intro": {
        "en": "Dual averaging (Hoffman & Gelman 2014) changes the step size after every burn-in step so that the "
              "acceptance probability comes to average the target δ; the step kept is the running average ε̄. "
              "After burn-in the step is frozen: a step size that kept changing with the chain's own past would "
              "not leave p_T invariant, so only the draws after burn-in, made with one fixed step, are a valid "
              "MCMC chain. Not in the lecture's slides: an addition.",
        "zh": "对偶平均（Hoffman & Gelman 2014）在燃烧期的每一步之后调整步长，使接受概率的平均值趋于目标 δ；"
              "最终保留的步长是其滑动平均 ε̄。燃烧期之后步长被冻结：若步长一直随链自身的历史变化，p_T 就不再是不变分布，"
              "因此只有燃烧期之后、以固定步长得到的样本才是有效的 MCMC 链。讲义中没有这一方法：这是补充内容。"},
    "at_target": {"en": "Target acceptance δ", "zh": "目标接受率 δ"},
    "at_usual": {"en": "Usual targets: about 0.23–0.3 for random-walk MH, 0.57 for MALA, 0.65–0.8 for HMC.",
                 "zh": "常用目标：随机游走 MH 约 0.23–0.3，MALA 约 0.57，HMC 约 0.65–0.8。"},
    "at_run": {"en": "Run the adaptation", "zh": "运行自适应"},
    "at_running": {"en": "Adapting over {m} burn-in steps, then {k} steps with the frozen step …",
                   "zh": "在 {m} 步燃烧期内自适应，然后以冻结的步长运行 {k} 步 …"},
    "at_need_burn_in": {"en": "The adaptation runs during burn-in: set burn-in m to at least {lo} (now {m}).",
                        "zh": "自适应在燃烧期内进行：请把燃烧期 m 设为至少 {lo}（当前为 {m}）。"},
    "at_not_ula": {"en": "ULA has no accept step, so there is no acceptance rate to tune its step size to. "
                         "MALA adds the accept step: choose it to tune ε.",
                   "zh": "ULA 没有接受步骤，因此没有可供调节步长的接受率。MALA 加上了接受步骤：选择它来调节 ε。"},
    "at_not_ind": {"en": "The independence sampler's acceptance is not monotone in σ_q (too narrow and too wide both "
                         "accept little), so dual averaging, which assumes a larger step accepts less, cannot tune "
                         "it. Set σ_q by hand.",
                   "zh": "独立采样器的接受率随 σ_q 并不单调（过窄和过宽都很少接受），而对偶平均假设步长越大接受越少，"
                         "因此无法调节它。请手动设置 σ_q。"},
    "at_not_gibbs": {"en": "Gibbs sampling has no step size: every update is accepted.",
                     "zh": "吉布斯采样没有步长：每次更新都被接受。"},
    "at_off": {"en": "More than 5 points from the target. The acceptance at the frozen ε̄ need not be the average "
                     "acceptance of the steps tried around it, and a few chains measure both roughly: more chains "
                     "or a longer burn-in bring it closer.",
               "zh": "与目标相差超过 5 个百分点。冻结的 ε̄ 下的接受率不一定等于其附近所试步长的平均接受率，"
                     "而且少数几条链对两者的估计都很粗略：增加链数或延长燃烧期可使其更接近目标。"},
    "at_adapted": {"en": "Adapted step ε̄", "zh": "自适应得到的步长 ε̄"},
    "at_reached": {"en": "Acceptance after burn-in (target {d:.2f})", "zh": "燃烧期后的接受率（目标 {d:.2f}）"},
    "at_start": {"en": "Started from", "zh": "初始步长"},
    "at_use": {"en": "Use this step size ({v:g} on the slider)", "zh": "使用此步长（滑块上的 {v:g}）"},
    "at_snapped": {"en": "The slider has notches: ε̄ = {e:.4g} is set as the nearest one, {v:g}, whose acceptance "
                         "can differ from the target.",
                   "zh": "滑块只有若干刻度：ε̄ = {e:.4g} 将设为最近的刻度 {v:g}，其接受率可能与目标不同。"},
    "at_used": {"en": "The page's step size is now {v:g}.", "zh": "页面的步长现在是 {v:g}。"},
    "at_title": {"en": "Step size during burn-in and the acceptance it gave", "zh": "燃烧期内的步长及其接受率"},
    "at_tried": {"en": "ε_t tried", "zh": "尝试的 ε_t"},
    "at_bar": {"en": "running average ε̄_t", "zh": "滑动平均 ε̄_t"},
    "at_accept": {"en": "acceptance (mean of the last 50 steps)", "zh": "接受概率（最近 50 步的平均）"},
    "at_step_axis": {"en": "step size", "zh": "步长"},
    "at_accept_axis": {"en": "acceptance", "zh": "接受率"},
    "at_t_axis": {"en": "burn-in step t", "zh": "燃烧期步数 t"},
}
