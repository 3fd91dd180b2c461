"""Strings of the landscape page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "landscape_"."""

S: dict[str, dict[str, str]] = {
    # --- page frame and mode switch --------------------------------------------------------
    "landscape_page_title": {"en": "Energy landscapes", "zh": "能量地形"},
    "landscape_title": {"en": "Energy landscapes: p_T(x) = exp(−E(x)/T) / Z(T)",
                        "zh": "能量地形：p_T(x) = exp(−E(x)/T) / Z(T)"},
    "landscape_mode": {"en": "Mode", "zh": "模式"},
    "landscape_mode_explore": {"en": "Explore the landscape", "zh": "探索能量地形"},
    "landscape_mode_learn": {"en": "Learn an EBM from data", "zh": "从数据学习能量模型"},
    "landscape_intro": {
        "en": "Pick an energy E(x) and a temperature T. The Gibbs distribution p_T(x) = exp(−E(x)/T) / Z(T) turns "
              "the landscape into probabilities: low T piles the mass into the deepest valley, high T spreads it "
              "evenly. Z(T) is integrated exactly on a grid over the drawn box.",
        "zh": "选择能量 E(x) 和温度 T。吉布斯分布 p_T(x) = exp(−E(x)/T) / Z(T) 把能量地形变成概率："
              "低温把概率质量堆进最深的山谷，高温则把它均匀摊开。Z(T) 在图示区域上用网格精确积分。"},
    # --- controls --------------------------------------------------------------------------
    "landscape_target": {"en": "Energy E(x)", "zh": "能量函数 E(x)"},
    "landscape_view": {"en": "Surface and map show", "zh": "曲面与等高线图显示"},
    "landscape_view_density": {"en": "density p_T(x)", "zh": "密度 p_T(x)"},
    "landscape_view_energy": {"en": "energy E(x)", "zh": "能量 E(x)"},
    "landscape_walkers": {"en": "MCMC chains overlaid (0 = none)", "zh": "叠加的 MCMC 链数（0 = 不显示）"},
    "landscape_seed": {"en": "Seed of the chains", "zh": "链的随机种子"},
    "landscape_cut": {"en": "Cross-section from A to B", "zh": "剖面：从 A 到 B"},
    "landscape_cut_deepest": {"en": "the two deepest minima", "zh": "最深的两个极小值点"},
    "landscape_cut_basins": {"en": "the minima of two basins I pick", "zh": "我选的两个盆地的极小值点"},
    "landscape_cut_typed": {"en": "two points I type", "zh": "我输入的两个点"},
    "landscape_from": {"en": "A: basin number", "zh": "A：盆地编号"},
    "landscape_to": {"en": "B: basin number", "zh": "B：盆地编号"},
    "landscape_ab": {"en": "A and B as x, y; x, y", "zh": "A 和 B，格式 x, y; x, y"},
    "landscape_ab_format": {
        "en": "Write exactly two points as x, y; x, y — for example -2, -1.5; 2, -1.5. Showing the default "
              "cross-section.",
        "zh": "请恰好写两个点，格式 x, y; x, y，例如 -2, -1.5; 2, -1.5。当前显示默认剖面。"},
    "landscape_ab_range": {"en": "A and B must lie inside the picture {box} and differ. Showing the default cross-section.",
                           "zh": "A 和 B 必须位于图像区域 {box} 之内且互不相同。当前显示默认剖面。"},
    "landscape_basin_clamped": {"en": "{name}: this landscape has only {k} basin(s); using basin {used}.",
                                "zh": "{name}：该地形只有 {k} 个盆地；已改用第 {used} 个盆地。"},
    "landscape_same_basin": {"en": "A and B are the same basin: showing the two deepest minima instead.",
                             "zh": "A 与 B 是同一个盆地：改为显示最深的两个极小值点。"},
    "landscape_one_basin": {
        "en": "This landscape has a single basin: the cross-section runs across the box through its minimum.",
        "zh": "该地形只有一个盆地：剖面横穿区域并经过其极小值点。"},
    # --- problems --------------------------------------------------------------------------
    "landscape_improper": {
        "en": "E is −∞ somewhere on the box: exp(−E/T) has infinite mass there, so no Gibbs distribution exists.",
        "zh": "E 在区域内某处为 −∞：exp(−E/T) 在该处质量无穷大，因此不存在吉布斯分布。"},
    "landscape_nowhere_finite": {"en": "E is not finite anywhere on the box: there is nothing to draw.",
                                 "zh": "E 在区域内处处不是有限值：没有可以绘制的内容。"},
    "landscape_box_note": {
        "en": "Here p_T lives on the drawn box {box}: Z(T) is finite at every T, and as T → ∞ p_T tends to the "
              "uniform density on the box (log Z → log|box| = {log_area:.3f}).",
        "zh": "这里 p_T 定义在图示区域 {box} 上：任何温度下 Z(T) 都有限；当 T → ∞ 时 p_T 趋于区域上的均匀分布"
              "（log Z → log|区域| = {log_area:.3f}）。"},
    # --- figures ---------------------------------------------------------------------------
    "landscape_surface_title": {"en": "{what} as a 3D surface", "zh": "{what} 的三维曲面"},
    "landscape_contour_title": {"en": "{what} from above: basins, samples, segment A → B",
                                "zh": "俯视 {what}：盆地、样本与线段 A → B"},
    "landscape_boundary": {"en": "basin boundary", "zh": "盆地边界"},
    "landscape_chain": {"en": "chain", "zh": "链"},
    "landscape_map_legend": {
        "en": "Numbered ×: the minimum of each basin (1 = deepest). Light dots: boundaries between basins. "
              "Coloured dots: MCMC samples, one colour per chain. Dashed line: the cross-section A → B.",
        "zh": "带编号的 ×：各盆地的极小值点（1 = 最深）。浅色点：盆地之间的边界。彩色点：MCMC 样本，每条链一种颜色。"
              "虚线：剖面 A → B。"},
    "landscape_clipped": {"en": "E is drawn clipped at {cap:.3g} so that the valleys stay visible.",
                          "zh": "为使山谷清晰可见，E 在 {cap:.3g} 处截断绘制。"},
    "landscape_logz_title": {"en": "log Z(T) (dot: the current T)", "zh": "log Z(T)（圆点：当前 T）"},
    "landscape_logz_limit": {"en": "log|box| (T → ∞)", "zh": "log|区域|（T → ∞）"},
    "landscape_masses_title": {"en": "Mass of each basin at T = {T:g}", "zh": "T = {T:g} 时各盆地的概率质量"},
    "landscape_sweep_title": {"en": "Basin masses as T changes (dashed: the current T)",
                              "zh": "各盆地质量随 T 的变化（虚线：当前 T）"},
    "landscape_mass": {"en": "P_T(basin)", "zh": "P_T(盆地)"},
    "landscape_area": {"en": "area share (T → ∞)", "zh": "面积占比（T → ∞）"},
    "landscape_samples": {"en": "share of MCMC samples", "zh": "MCMC 样本占比"},
    "landscape_other": {"en": "other", "zh": "其余"},
    "landscape_basin": {"en": "basin", "zh": "盆地"},
    "landscape_tab_now": {"en": "At this T", "zh": "当前温度"},
    "landscape_tab_sweep": {"en": "Over T", "zh": "随温度变化"},
    "landscape_section_title": {"en": "E along the segment A → B", "zh": "沿线段 A → B 的能量 E"},
    "landscape_section_s": {"en": "distance from A", "zh": "到 A 的距离"},
    "landscape_barrier": {"en": "ΔE", "zh": "ΔE"},
    "landscape_pass": {"en": "lowest pass (any path)", "zh": "最低山口（任意路径）"},
    # --- numbers ---------------------------------------------------------------------------
    "landscape_metric_logz": {"en": "log Z(T)", "zh": "log Z(T)"},
    "landscape_metric_logz_help": {"en": "Z(T) = ∫ exp(−E(x)/T) dx over the box, integrated on the grid.",
                                   "zh": "Z(T) = ∫ exp(−E(x)/T) dx，在区域上用网格积分。"},
    "landscape_metric_mean_e": {"en": "⟨E⟩ under p_T", "zh": "p_T 下的 ⟨E⟩"},
    "landscape_metric_mean_e_help": {"en": "The average energy; d log Z / dT = ⟨E⟩ / T².",
                                     "zh": "平均能量；d log Z / dT = ⟨E⟩ / T²。"},
    "landscape_metric_entropy": {"en": "Entropy S(T)", "zh": "熵 S(T)"},
    "landscape_metric_entropy_help": {
        "en": "S = −∫ p_T log p_T dx = log Z + ⟨E⟩/T; at most log|box| = {max:.3f} (the uniform density).",
        "zh": "S = −∫ p_T log p_T dx = log Z + ⟨E⟩/T；最大为 log|区域| = {max:.3f}（均匀分布）。"},
    "landscape_metric_deepest": {"en": "Mass in basin 1 (deepest)", "zh": "盆地 1（最深）的质量"},
    "landscape_col_basin": {"en": "basin", "zh": "盆地"},
    "landscape_col_min": {"en": "minimum (x, y)", "zh": "极小值点 (x, y)"},
    "landscape_col_e": {"en": "E at minimum", "zh": "极小值 E"},
    "landscape_col_depth": {"en": "depth ΔE", "zh": "深度 ΔE"},
    "landscape_col_mass": {"en": "P_T(basin)", "zh": "P_T(盆地)"},
    "landscape_col_area": {"en": "area share", "zh": "面积占比"},
    "landscape_col_samples": {"en": "samples share", "zh": "样本占比"},
    "landscape_basins_caption": {
        "en": "Basins: every grid cell flows downhill to a local minimum (a watershed on a {n}×{n} grid); a minimum "
              "with depth below {h:g} joins the basin it spills into. {k} basin(s) from {raw} grid minima. "
              "Depth = the climb from the minimum needed to reach a deeper basin (∞ for the deepest).",
        "zh": "盆地：每个网格单元沿下坡方向流向一个局部极小值点（在 {n}×{n} 网格上的分水岭）；深度小于 {h:g} 的极小值"
              "并入它溢出到的盆地。由 {raw} 个网格极小值得到 {k} 个盆地。深度 = 从极小值出发到达更深盆地所需攀升的高度"
              "（最深的盆地为 ∞）。"},
    "landscape_more_basins": {"en": "… and {n} more basins holding {mass:.4f} of the mass in total.",
                              "zh": "……另有 {n} 个盆地，共占质量 {mass:.4f}。"},
    "landscape_section_text": {
        "en": "A = ({ax:.2f}, {ay:.2f}), B = ({bx:.2f}, {by:.2f}): E(A) = {ea:.3f}, E(B) = {eb:.3f}. The highest hill "
              "between them has E_top = {top:.3f}; on A's side of it the lowest point has E_low(A) = {low:.3f} (the "
              "bottom of the well a chain there sits in).",
        "zh": "A = ({ax:.2f}, {ay:.2f})，B = ({bx:.2f}, {by:.2f})：E(A) = {ea:.3f}，E(B) = {eb:.3f}。两点之间最高的"
              "山丘为 E_top = {top:.3f}；在它靠 A 的一侧，最低点为 E_low(A) = {low:.3f}（该侧的链所处山谷的谷底）。"},
    "landscape_barrier_meaning": {
        "en": "At T = {T:g} the density at the top is e^(−ΔE/T) = {f} times the density at the bottom. A chain must climb "
              "this hill to change basin; roughly, its waiting time grows like e^(ΔE/T) (the Arrhenius law), so "
              "lowering T freezes chains in their wells and raising T lets them cross.",
        "zh": "在 T = {T:g} 时，山顶处的密度是谷底处密度的 e^(−ΔE/T) = {f} 倍。链必须爬过这座山才能换到另一个盆地；"
              "粗略地说，等待时间按 e^(ΔE/T) 增长（阿伦尼乌斯定律），因此降低 T 会把链冻结在各自的山谷中，升高 T 则让它们得以穿越。"},
    "landscape_pass_text": {
        "en": "Over any path, not only the straight one, the lowest pass from basin {i} into basin {j} is at "
              "E = {p:.3f}: a climb of {d:.3f} from the minimum of basin {i}. A straight segment can only meet a "
              "barrier as high or higher.",
        "zh": "若允许任意路径（不限于直线），从盆地 {i} 到盆地 {j} 的最低山口位于 E = {p:.3f}：需从盆地 {i} 的极小值"
              "攀升 {d:.3f}。直线段上的势垒只会同样高或更高。"},
    "landscape_samples_caption": {
        "en": "Samples: {c} random-walk Metropolis–Hastings chains on p_T restricted to the box (σ = {sigma:.3g}, "
              "{n} steps, the first {m} discarded as burn-in), started spread over the box; acceptance {acc:.0%}. "
              "Drawn: every {thin}th draw. Their share per basin (diamonds) matches the exact masses only when the "
              "chains can cross the barriers.",
        "zh": "样本：{c} 条随机游走 Metropolis–Hastings 链，目标为限制在区域内的 p_T（σ = {sigma:.3g}，{n} 步，"
              "前 {m} 步作为燃烧期舍弃），初始点分散在区域内；接受率 {acc:.0%}。图中每隔 {thin} 步画一个点。"
              "只有当链能越过势垒时，各盆地的样本占比（菱形）才与精确质量一致。"},
    "landscape_no_chains": {"en": "No chains (set “MCMC chains overlaid” above 0 to draw samples).",
                            "zh": "未运行链（把“叠加的 MCMC 链数”设为大于 0 即可显示样本）。"},
    "landscape_computing": {"en": "Computing the landscape …", "zh": "正在计算能量地形……"},
    # --- lecture ---------------------------------------------------------------------------
    "landscape_formula_head": {"en": "The Gibbs distribution, with the current numbers",
                               "zh": "吉布斯分布（代入当前数值）"},
    "landscape_formula_minimum": {"en": "at the deepest minimum x*₁ = ({x:.3f}, {y:.3f}):",
                                  "zh": "在最深的极小值点 x*₁ = ({x:.3f}, {y:.3f})："},
    "landscape_formula_ratio": {"en": "the two deepest minima compete as e^(−ΔE/T):",
                                "zh": "最深的两个极小值点之比为 e^(−ΔE/T)："},
    "landscape_formula_masses": {"en": "the mass of basin B_k is the integral of p_T over it:",
                                 "zh": "盆地 B_k 的质量是 p_T 在其上的积分："},
    "landscape_try_1": {
        "en": "Mixture, T → 0.05: nearly all the mass goes to basin 1, the deepest well; p_T becomes a spike at "
              "its minimum (T → 0 picks the minimum of E).",
        "zh": "混合分布，T → 0.05：几乎全部质量都进入盆地 1（最深的山谷）；p_T 在其极小值点处变成尖峰（T → 0 即选出 E 的最小值点）。"},
    "landscape_try_2": {
        "en": "T = 20: p_T is nearly flat on the box and each basin's mass approaches its area share (the grey "
              "dashes); log Z(T) approaches log|box|.",
        "zh": "T = 20：p_T 在区域上几乎是平的，各盆地质量接近其面积占比（灰色短线）；log Z(T) 接近 log|区域|。"},
    "landscape_try_3": {
        "en": "Mixture at T = 0.2: each chain stays in the well it started in, so the sample shares (diamonds) "
              "disagree with the exact masses. Raise T to 2: the chains cross the barriers and the shares come close to the masses.",
        "zh": "混合分布、T = 0.2：每条链都停留在起始的山谷中，样本占比（菱形）与精确质量不符。把 T 升到 2："
              "链越过势垒，占比接近精确质量。"},
    "landscape_try_4": {
        "en": "Rezende–Mohamed U1: the straight segment between the two halves of the ring crosses the hole "
              "(a high barrier), but the lowest pass goes around the ring, much lower.",
        "zh": "Rezende–Mohamed U1：连接圆环两半的直线段穿过中间的洞（势垒很高），而最低山口沿圆环绕行，要低得多。"},
    "landscape_try_5": {
        "en": "Type your own landscape, e.g. (x**2 - 1)**2 + y**2 (two wells, barrier 1), and watch at which T "
              "the barrier stops mattering (e^(−ΔE/T) close to 1).",
        "zh": "输入你自己的地形，例如 (x**2 - 1)**2 + y**2（两个势阱，势垒为 1），观察温度升到多少时势垒不再起作用"
              "（e^(−ΔE/T) 接近 1）。"},
}
