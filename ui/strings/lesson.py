"""Strings of the lesson bar (``ui.lesson.bar``): a lesson walked step by step. Keys are prefixed
"lesson_"."""

S: dict[str, dict[str, str]] = {
    "lesson_step_of": {"en": "Step {k} of {n}", "zh": "第 {k} 步，共 {n} 步"},
    "lesson_slide": {"en": "Slide {n}", "zh": "第 {n} 页幻灯片"},
    "lesson_look": {"en": "Look at", "zh": "请看"},
    "lesson_prev": {"en": "Previous step (← or PageUp)", "zh": "上一步（← 或 PageUp）"},
    "lesson_next": {"en": "Next step (→ or PageDown)", "zh": "下一步（→ 或 PageDown）"},
    "lesson_jump": {"en": "Jump to a step", "zh": "跳到某一步"},
    "lesson_keys_help": {
        "en": "Keys: → or PageDown for the next step, ← or PageUp for the previous one (a presentation "
              "clicker sends these).",
        "zh": "按键：→ 或 PageDown 进入下一步，← 或 PageUp 返回上一步（翻页笔发送的正是这些按键）。"},
    "lesson_predict": {"en": "Predict first", "zh": "先预测"},
    "lesson_reveal": {"en": "Reveal the numbers", "zh": "揭晓数值"},
    "lesson_answer": {"en": "Answer", "zh": "答案"},
    "lesson_hidden_note": {"en": "The numbers are hidden until you reveal them.",
                           "zh": "数值已隐藏，点击“揭晓数值”后显示。"},
    "lesson_error": {"en": "This lesson cannot be opened: {message}", "zh": "无法打开此课程：{message}"},
    "lesson_available": {"en": "Lessons on this server: {names}.", "zh": "本服务器上的课程：{names}。"},
    "lesson_bad_step": {"en": "Step {value} does not exist: this lesson has steps 1 … {n}; showing step {used}.",
                        "zh": "第 {value} 步不存在：本课程共有第 1 … {n} 步；现显示第 {used} 步。"},
    "lesson_exit": {"en": "Leave the lesson", "zh": "退出课程"},
    # the open tab in a link (ui/kit/tabs.py)
    "url_tab": {"en": "Open tab", "zh": "打开的标签页"},
}
