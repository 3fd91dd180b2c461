"""Strings of the MCMC page's "explain one step" panel, the q-terms switch and the slide errata
of the MCMC and landscape pages (issue 12)."""

S: dict[str, dict[str, str]] = {
    "explain_recorded": {
        "en": "Step i = {i} of chain {c} of the run on the picture (seed {seed}), replayed with the random numbers "
              "it drew: the move x_(i−1) → x_i, the same x′, u and decision as the arrow drawn there.",
        "zh": "重放画面中这次运行（种子 {seed}）第 {c} 条链的第 i = {i} 步，使用它当时抽取的随机数："
              "即 x_(i−1) → x_i 这一步，x′、u 与接受/拒绝都与画面上的箭头相同。"},
    "ignore_q": {"en": "Ignore the q terms in α (wrong)", "zh": "在 α 中忽略 q 项（错误做法）"},
    "ignore_q_help": {
        "en": "Drops q(x)/q(x′) from the independence sampler's acceptance probability. The chain then samples "
              "∝ p(x) q(x), not p(x): compare f_mn with the exact value.",
        "zh": "从独立抽样的接受概率中去掉 q(x)/q(x′)。此时链的平稳分布 ∝ p(x) q(x)，而不是 p(x)：请将 f_mn 与精确值比较。"},
    "noq_alpha_wrong": {
        "en": "The q terms are switched off: this α is the random-walk formula, wrong for a proposal that "
              "does not depend on x.",
        "zh": "已关闭 q 项：此 α 是随机游走的公式，对不依赖于 x 的提议分布是错误的。"},
    "balance_title": {"en": "Detailed balance, with the numbers of this step",
                      "zh": "细致平衡：代入这一步的数值"},
    "balance_equal": {
        "en": "Equal: the flow x → x′ matches the flow x′ → x, so p is left unchanged by the chain.",
        "zh": "相等：x → x′ 的概率流等于 x′ → x 的概率流，因此链保持 p 不变。"},
    "balance_differs_ula": {
        "en": "Not equal (ratio {ratio}): ULA has no accept step (α = 1 both ways) and its q is not symmetric, "
              "so the chain does not leave p_T unchanged: its samples are biased, more so for a larger ε.",
        "zh": "不相等（比值 {ratio}）：ULA 没有接受步骤（两个方向 α 都为 1），而 q 不对称，"
              "因此链不能保持 p_T 不变：样本有偏，ε 越大偏差越大。"},
    "balance_differs_noq": {
        "en": "Not equal (ratio {ratio}): without the q terms α no longer balances the proposal, and the chain "
              "samples ∝ p(x) q(x) instead of p(x).",
        "zh": "不相等（比值 {ratio}）：缺少 q 项时 α 无法平衡提议分布，链的平稳分布变为 ∝ p(x) q(x)，而不是 p(x)。"},
    "acceptance_help": {
        "en": "Share of the proposals accepted in steps m+1 … n (after burn-in), over all chains.",
        "zh": "第 m+1 … n 步（燃烧期之后）中被接受的提议所占比例，对所有链合计。"},
    "fmn_pooled": {
        "en": "With C chains, f_mn pools the draws after burn-in of all of them.",
        "zh": "有 C 条链时，f_mn 合并所有链在燃烧期之后的样本。"},
    "try_6": {
        "en": "Independence MH on the mixture, σ_q = 1.5, 8 chains × 5,000 steps, f = y: f_mn ≈ −0.13 against the exact "
              "−0.100. Switch on “ignore the q terms (wrong)”: f_mn moves to about +0.2, far outside the Monte-Carlo "
              "error, and “explain one step” shows detailed balance failing.",
        "zh": "在混合分布上用独立抽样 MH，σ_q = 1.5，8 条链 × 5,000 步，f = y：f_mn ≈ −0.13，精确值为 −0.100。"
              "打开“忽略 q 项（错误做法）”：f_mn 变为约 +0.2，远超蒙特卡罗误差；“单步详解”显示细致平衡不成立。"},
}
