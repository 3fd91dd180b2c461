"""Strings of the MCMC page's linked-diagnostics panel (keys "lw_")."""

S: dict[str, dict[str, str]] = {
    "lw_expander": {"en": "Diagnostics of a window of steps (brush the trace)",
                    "zh": "某一段步数的诊断（在轨迹图上框选）"},
    "lw_intro": {
        "en": "Drag across either trace to choose a window of steps a … b: the histograms and the running estimate "
              "below redraw at once in your browser, and the server adds the window's ESS, R-hat and f_mn. Drag the "
              "window to move it; double-click to clear it (then the window is the draws after burn-in, m+1 … n, "
              "as in the numbers beside the picture). Try the first steps of a run: the chains have not met yet and "
              "R-hat is far above 1. Not in the lecture's slides, which judge the whole run after burn-in: an "
              "addition.",
        "zh": "在任一轨迹图上拖动以选择一段步数 a … b：下面的直方图和滑动估计会立即在浏览器中重画，服务器再给出这一段的 "
              "ESS、R-hat 和 f_mn。拖动选框可移动它；双击清除选框（此时窗口为燃烧期之后的样本 m+1 … n，与画面旁的数字相同）。"
              "试试一次运行的最初几步：各条链尚未相遇，R-hat 远大于 1。讲义只评估燃烧期之后的整段运行，没有这一功能：这是补充内容。"},
    "lw_thinned": {
        "en": "The browser gets every {k}-th step ({s:,} of {n:,} per chain, at most {cap:,}): its histograms and "
              "its f_mn curve are of these draws. The numbers use every draw in the window.",
        "zh": "浏览器只接收每隔 {k} 步的一个样本（每条链 {n:,} 步中的 {s:,} 步，至多 {cap:,} 步）："
              "其直方图和 f_mn 曲线基于这些样本。下面的数字使用窗口内的全部样本。"},
    "lw_all": {"en": "The browser gets every step ({n:,} per chain).", "zh": "浏览器接收每一步的样本（每条链 {n:,} 步）。"},
    "lw_trace_x": {"en": "Trace of x (drag to choose a window)", "zh": "x 的轨迹（拖动以选择窗口）"},
    "lw_trace_y": {"en": "Trace of y (drag to choose a window)", "zh": "y 的轨迹（拖动以选择窗口）"},
    "lw_hist_x": {"en": "x in the window, with the exact p(x)", "zh": "窗口内的 x 及精确的 p(x)"},
    "lw_hist_y": {"en": "y in the window, with the exact p(y)", "zh": "窗口内的 y 及精确的 p(y)"},
    "lw_fmn_title": {"en": "f_mn over the window as its end grows (dashed: exact)",
                     "zh": "窗口内的 f_mn 随终点增长的变化（虚线：精确值）"},
    "lw_window": {"en": "Window", "zh": "窗口"},
    "lw_window_value": {"en": "steps {a:,} … {b:,}", "zh": "第 {a:,} … {b:,} 步"},
    "lw_window_help": {"en": "{d:,} draws per chain, {c} chains.", "zh": "每条链 {d:,} 个样本，共 {c} 条链。"},
    "lw_default": {"en": "No window drawn: the draws after burn-in.", "zh": "未选择窗口：使用燃烧期之后的样本。"},
    "lw_fmn": {"en": "f_mn in the window (f = {f})", "zh": "窗口内的 f_mn（f = {f}）"},
    "lw_acceptance": {"en": "Acceptance in the window", "zh": "窗口内的接受率"},
    "lw_too_short": {"en": "The window holds {d} draws per chain: ESS and R-hat need at least 4.",
                     "zh": "窗口内每条链只有 {d} 个样本：ESS 和 R-hat 至少需要 4 个。"},
    "lw_bad": {"en": "The window sent by the browser was not understood ({what}): showing the draws after burn-in.",
               "zh": "无法识别浏览器发来的窗口（{what}）：改为显示燃烧期之后的样本。"},
    "lw_clamped": {"en": "The window reached outside this run (steps 1 … {n:,}): it is cut to the run.",
                   "zh": "窗口超出了本次运行的范围（第 1 … {n:,} 步）：已截取到运行范围内。"},
    "lw_server_ms": {"en": "This panel took {ms:.0f} ms on the server (a brush reruns only the panel).",
                     "zh": "本面板在服务器上用时 {ms:.0f} 毫秒（框选只重新运行本面板）。"},
}
