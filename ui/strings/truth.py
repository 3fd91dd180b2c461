"""Strings of the panels that measure samplers against the grid truth: parallel tempering (MCMC page,
keys "pt_"), an ensemble's TV distance and AIS (landscape page, keys "ens_" and "ais_")."""

S: dict[str, dict[str, str]] = {
    # --- parallel tempering (MCMC page) -------------------------------------------------------
    "sampler_pt": {"en": "Parallel tempering (replica exchange)", "zh": "并行回火（副本交换）"},
    "pt_expander": {"en": "Parallel tempering: heated copies that swap", "zh": "并行回火：会交换状态的升温副本"},
    "pt_intro": {
        "en": "K copies of each chain run at temperatures T = T₀ < T₁ < … < T_max (a geometric ladder). Each makes "
              "a local move at its own temperature; then neighbours propose to swap their states and accept with "
              "the exact probability below. Hot copies cross the barriers, and hand what they find down to the "
              "cold chain, which samples p_T. Not in the lecture's slides: an addition for multimodal targets.",
        "zh": "每条链有 K 个副本，分别在温度 T = T₀ < T₁ < … < T_max（几何梯度）上运行。每个副本先在自己的温度下做一次局部移动；"
              "然后相邻副本提议交换状态，并以下面的精确概率接受。高温副本能越过势垒，把找到的状态传给冷链，而冷链采样 p_T。"
              "讲义中没有这一方法：这是针对多峰目标的补充。"},
    "pt_ladder": {"en": "Replicas K on the ladder", "zh": "梯度上的副本数 K"},
    "pt_tmax": {"en": "Hottest temperature T_max", "zh": "最高温度 T_max"},
    "pt_local": {"en": "Local move of each replica", "zh": "每个副本的局部移动"},
    "pt_local_mh": {"en": "random-walk MH", "zh": "随机游走 MH"},
    "pt_local_mala": {"en": "MALA", "zh": "MALA"},
    "pt_step": {"en": "Cold replica's σ (MH) or ε (MALA); hotter ones scale by √(T_k/T)",
                "zh": "冷副本的 σ（MH）或 ε（MALA）；更热的副本按 √(T_k/T) 放大"},
    "pt_tmax_low": {"en": "T_max must be above T = {T:g}: using T_max = {used:g}.",
                    "zh": "T_max 必须高于 T = {T:g}：改用 T_max = {used:g}。"},
    "pt_running": {"en": "Running {k} replicas × {c} chains × {n} steps …", "zh": "正在运行 {k} 个副本 × {c} 条链 × {n} 步 …"},
    "pt_rhat": {"en": "R-hat (x / y), parallel tempering", "zh": "R-hat（x / y），并行回火"},
    "pt_rhat_mh": {"en": "R-hat (x / y), plain MH, σ = {s:g}", "zh": "R-hat（x / y），普通 MH，σ = {s:g}"},
    "pt_swaps": {"en": "Swaps into the cold chain", "zh": "换入冷链的次数"},
    "pt_cold_title": {"en": "Chain 1: cold chain of PT (orange) and plain MH (white)",
                      "zh": "第 1 条链：并行回火的冷链（橙色）与普通 MH（白色）"},
    "pt_cold": {"en": "PT cold chain", "zh": "并行回火冷链"},
    "pt_mh": {"en": "plain MH", "zh": "普通 MH"},
    "pt_swap_mark": {"en": "after a swap", "zh": "交换之后"},
    "pt_ladder_title": {"en": "The ladder", "zh": "温度梯度"},
    "pt_swap_rate": {"en": "swap rate per pair", "zh": "每对的交换接受率"},
    "pt_local_rate": {"en": "local acceptance per T_k", "zh": "各 T_k 的局部接受率"},
    "pt_pair": {"en": "pair T_k ↔ T_k+1", "zh": "相邻对 T_k ↔ T_k+1"},
    "pt_moments": {"en": "Mean and covariance after burn-in m = {m}, against the grid's exact values:",
                   "zh": "燃烧期 m = {m} 之后的均值与协方差，对比网格精确值："},
    "pt_col_what": {"en": "quantity", "zh": "量"},
    "pt_col_exact": {"en": "exact", "zh": "精确值"},
    "pt_col_pt": {"en": "parallel tempering", "zh": "并行回火"},
    "pt_col_mh": {"en": "plain MH", "zh": "普通 MH"},
    "pt_col_z": {"en": "PT error / MCSE", "zh": "并行回火误差 / MCSE"},
    "pt_try": {"en": "Try: the mixture at T = 0.2 — plain MH chains stay in the mode they start in (R-hat ≫ 1), the "
                     "cold chain of PT visits all three and matches the exact moments. Then K = 2 or a low T_max: "
                     "the swap rates show where the ladder breaks.",
               "zh": "试试：混合分布、T = 0.2——普通 MH 链停留在起始的峰里（R-hat ≫ 1），并行回火的冷链走遍三个峰并与精确矩吻合。"
                     "再试 K = 2 或较低的 T_max：交换率会显示梯度在哪里断开。"},
    # --- an ensemble against the truth (landscape page) ---------------------------------------
    "ens_expander": {"en": "A whole ensemble against the truth: burn-in, measured",
                     "zh": "整个链系综对比真值：燃烧期的定量度量"},
    "ens_intro": {
        "en": "N chains start from one corner. After t steps their N positions are N independent draws from the "
              "chain's law at time t; their histogram on a grid of cells is compared with the exact p_T (the same "
              "cells): the total-variation distance TV_t = ½ Σ |n_j/N − P_j|. It falls as the chains forget the "
              "start. It cannot reach 0: an exact sample of N points has a noisy histogram too — the floor (dashed).",
        "zh": "N 条链从同一角落出发。t 步之后，它们的 N 个位置是时刻 t 的链分布的 N 个独立样本；把它们在网格上的直方图与精确的 p_T"
              "（同样的网格）比较：总变差距离 TV_t = ½ Σ |n_j/N − P_j|。链逐渐忘记起点，TV 随之下降。它不会降到 0："
              "N 个精确样本的直方图同样有噪声——这就是下限（虚线）。"},
    "ens_a": {"en": "Sampler A", "zh": "采样器 A"},
    "ens_b": {"en": "Sampler B (side by side, same seed)", "zh": "采样器 B（并排对比，相同种子）"},
    "ens_none": {"en": "none", "zh": "无"},
    "ens_step_a": {"en": "Step of A: σ (MH) or ε (Langevin, HMC)", "zh": "A 的步长：σ（MH）或 ε（朗之万、HMC）"},
    "ens_step_b": {"en": "Step of B", "zh": "B 的步长"},
    "ens_chains": {"en": "Chains N", "zh": "链数 N"},
    "ens_steps": {"en": "Steps", "zh": "步数"},
    "ens_t": {"en": "Histogram at step t", "zh": "第 t 步的直方图"},
    "ens_running": {"en": "Running {n} chains × {k} steps …", "zh": "正在运行 {n} 条链 × {k} 步 …"},
    "ens_tv_title": {"en": "TV(histogram of the N chains, p_T) against t", "zh": "TV（N 条链的直方图, p_T）随 t 的变化"},
    "ens_floor": {"en": "floor: an exact sample of N", "zh": "下限：N 个精确样本"},
    "ens_hist_title": {"en": "Step t = {t}: share of the N chains per cell, and p_T's mass per cell",
                       "zh": "第 t = {t} 步：每格中 N 条链的占比，以及 p_T 在每格的质量"},
    "ens_hist_exact": {"en": "exact p_T (mass per cell)", "zh": "精确 p_T（每格质量）"},
    "ens_final": {"en": "TV at the last step, {name}", "zh": "最后一步的 TV，{name}"},
    "ens_floor_metric": {"en": "Floor (exact i.i.d. sample)", "zh": "下限（精确独立样本）"},
    "ens_caption": {
        "en": "{bins}×{bins} cells on the box {box}; start {start}; seed {seed}; the floor is the mean ± 2 sd of the "
              "TV of {draws} exact samples of {n} points (inverse CDF on the grid). Both samplers use the same seed: "
              "MH and MALA draw the same random numbers (common random numbers); ULA and HMC draw theirs differently.",
        "zh": "区域 {box} 上 {bins}×{bins} 个格子；起点 {start}；种子 {seed}；下限为 {draws} 组 {n} 个精确样本（网格上的逆累积分布函数）"
              "的 TV 的均值 ± 2 倍标准差。两个采样器使用相同种子：MH 与 MALA 抽取相同的随机数（公共随机数）；ULA 与 HMC 的抽取方式不同。"},
    "ens_try": {"en": "Try: MALA against ULA at the same ε (0.2, then 0.3) on the Gaussian: MALA's curve reaches the "
                      "floor, ULA's levels off above it — its bias, in one number. On the mixture at T = 0.3, MH from "
                      "the corner stalls far above the floor: the chains have not found every mode.",
                "zh": "试试：在高斯分布上用相同 ε（0.2，再试 0.3）比较 MALA 与 ULA：MALA 的曲线降到下限，ULA 的曲线停在下限之上——"
                      "它的偏差，一个数字就能看出。在 T = 0.3 的混合分布上，从角落出发的 MH 停在远高于下限处：链还没找到所有的峰。"},
    "ens_diverged": {"en": "{name}: {k} chains diverged (step too large) and stopped.",
                     "zh": "{name}：{k} 条链发散（步长过大）并已停止。"},
    # --- AIS (landscape page) -----------------------------------------------------------------
    "ais_expander": {"en": "AIS: estimating log Z where the answer is known", "zh": "AIS：在答案已知处估计 log Z"},
    "ais_intro": {
        "en": "Annealed importance sampling, the tool the RBM page uses for an intractable Z, run here where the "
              "grid gives Z exactly. Each run starts from a broad Gaussian q (Z₀ = 1) and walks through "
              "f_β ∝ q^(1−β) · exp(−E/T)^β, β = 0 → 1, with MH moves; its weight collects the ratios "
              "f_β_k(x)/f_β_k−1(x). The mean weight estimates Z; with few temperatures K it reads low (Jensen).",
        "zh": "退火重要性采样——RBM 页面用它估计难以计算的 Z——在这里运行，而网格能给出精确的 Z。每次运行从宽的高斯分布 q（Z₀ = 1）出发，"
              "经过 f_β ∝ q^(1−β) · exp(−E/T)^β，β 从 0 到 1，每步做 MH 移动；其权重累积比值 f_β_k(x)/f_β_k−1(x)。"
              "权重的均值估计 Z；温度数 K 太少时估计偏低（詹森不等式）。"},
    "ais_runs": {"en": "Runs R", "zh": "运行次数 R"},
    "ais_kmax": {"en": "Largest number of temperatures K", "zh": "最大温度数 K"},
    "ais_running": {"en": "Annealing {r} runs …", "zh": "正在退火 {r} 次运行 …"},
    "ais_estimate": {"en": "log Ẑ (K = {k})", "zh": "log Ẑ（K = {k}）"},
    "ais_exact": {"en": "Exact log Z (grid)", "zh": "精确 log Z（网格）"},
    "ais_error": {"en": "Error / standard error", "zh": "误差 / 标准误"},
    "ais_ess": {"en": "Effective runs (ESS)", "zh": "有效运行数（ESS）"},
    "ais_logz_title": {"en": "log Ẑ ± 2 se against K", "zh": "log Ẑ ± 2 倍标准误，随 K 变化"},
    "ais_line_exact": {"en": "exact (grid)", "zh": "精确值（网格）"},
    "ais_label": {"en": "AIS", "zh": "AIS"},
    "ais_weights_title": {"en": "Weights of the runs, K = {k}", "zh": "各次运行的权重，K = {k}"},
    "ais_weights_axis": {"en": "w_r / max w", "zh": "w_r / max w"},
    "ais_count": {"en": "runs", "zh": "运行次数"},
    "ais_path_title": {"en": "The path: f_β from the base (β = 0) to p_T (β = 1)",
                       "zh": "路径：f_β 从基分布（β = 0）到 p_T（β = 1）"},
    "ais_caption": {
        "en": "Base q = N(({cx:g}, {cy:g}), {s:.3g}² I); β on a geometric schedule from 10⁻⁴; {mh} MH steps per "
              "temperature; se(log Ẑ) = sd(w) / (mean(w) √R) (delta method); seed {seed}.",
        "zh": "基分布 q = N(({cx:g}, {cy:g}), {s:.3g}² I)；β 取从 10⁻⁴ 开始的几何序列；每个温度 {mh} 步 MH；"
              "log Ẑ 的标准误 = w 的标准差 / (w 的均值 × √R)（δ 方法）；种子 {seed}。"},
}
