"""Strings of the MCMC canvas's layers that draw what the sampler did (issue 14 §1): HMC's
leapfrog path and momentum, Langevin's drift and noise, MALA's proposal circle, exact draws."""

S: dict[str, dict[str, str]] = {
    "exact_samples": {"en": "Exact samples", "zh": "精确样本"},
    "exact_samples_help": {
        "en": "Overlays i.i.d. draws from the exact p_T of the grid (inverse CDF over its cells), as many as the "
              "chains' draws after burn-in (at most 16,384): the cloud the chains should fill.",
        "zh": "叠加由网格上精确 p_T 抽取的独立同分布样本（对网格单元用逆累积分布函数），数量与各链燃烧期后的样本数相同"
              "（最多 16,384 个）：即链应当填满的点云。"},
    "rec_path": {"en": "leapfrog path (L points)", "zh": "蛙跳轨迹（L 个点）"},
    "rec_momentum": {"en": "momentum p (arrow: Lε·p)", "zh": "动量 p（箭头：Lε·p）"},
    "rec_drift": {"en": "drift −(ε/2T)∇E", "zh": "漂移 −(ε/2T)∇E"},
    "rec_noise": {"en": "noise √ε ξ", "zh": "噪声 √ε ξ"},
    "rec_circle": {"en": "1-σ circle of q (radius √ε)", "zh": "q 的 1σ 圆（半径 √ε）"},
    "rec_note": {"en": "drawn for steps 1–{k}", "zh": "仅绘制第 1–{k} 步"},
    "exact_note": {"en": "{n} exact draws (chains: {of})", "zh": "{n} 个精确样本（链：{of}）"},
    "hmc_dh_title": {"en": "Energy error along the leapfrog path", "zh": "蛙跳轨迹上的能量误差"},
    "hmc_dh_caption": {
        "en": "ΔH_k = H(x, p) − H(x_k, p_k) at each leapfrog point k (p_k: the momentum there, after its half kick). "
              "Exact Hamiltonian dynamics keeps H constant (ΔH ≡ 0); leapfrog's error oscillates, of order ε², and "
              "only its end value ΔH_L enters α = min{1, e^{ΔH_L}}.",
        "zh": "ΔH_k = H(x, p) − H(x_k, p_k)，在每个蛙跳点 k 处计算（p_k：该点完成半步动量更新后的动量）。"
              "精确的哈密顿动力学保持 H 不变（ΔH ≡ 0）；蛙跳法的误差在振荡，量级为 ε²，"
              "只有终点值 ΔH_L 进入 α = min{1, e^{ΔH_L}}。"},
    "hmc_dh_k": {"en": "leapfrog point k", "zh": "蛙跳点 k"},
    "mala_circle_note": {
        "en": "The proposal is q(x, ·) = N(x − (ε/2T)∇E(x), ε I): centred at the tip of the drift, with standard "
              "deviation √ε = {s:.4f} per coordinate (the circle drawn on the picture).",
        "zh": "提议分布为 q(x, ·) = N(x − (ε/2T)∇E(x), ε I)：中心在漂移箭头的末端，每个坐标的标准差为 "
              "√ε = {s:.4f}（即画面上的圆）。"},
}
