"""Strings of the shared server as a class sees it (``ui.kit.classroom``): waiting for a training
turn, a full class, the teacher's limits. Keys are prefixed "class_"."""

S: dict[str, dict[str, str]] = {
    "class_waiting": {
        "en": ":material/hourglass_top: Waiting for a training turn: place {place} of {n}, about {s} s. The class shares this "
              "server's cores, so trainings take turns; yours continues by itself, and the rest of the page "
              "works meanwhile.",
        "zh": ":material/hourglass_top: 正在排队等待训练：第 {place} 位，共 {n} 位，大约 {s} 秒。全班共用这台服务器的 CPU，"
              "训练依次轮流进行；轮到你时会自动继续，等待期间页面的其他部分照常可用。"},
    "class_waiting_first": {
        "en": "Nothing trained yet: the pictures appear with your first turn.",
        "zh": "尚未开始训练：轮到你的第一轮训练后，图像就会出现。"},
    "class_full": {
        "en": "The class is full: {n} students are already waiting for a training turn. Try again in a "
              "minute with ▶ Resume; your settings and your model are kept.",
        "zh": "全班人数已满：已有 {n} 位同学在排队等待训练。请一分钟后点击 ▶ 继续 重试；你的设置和模型都会保留。"},
    "class_limits": {
        "en": ":material/school: Class limits set by your teacher: {what}.",
        "zh": ":material/school: 老师设定的课堂限制：{what}。"},
    "class_limits_sep": {"en": ", ", "zh": "、"},
    "class_limit_epochs": {"en": "at most {n} epochs", "zh": "最多 {n} 轮"},
    "class_limit_hidden": {"en": "at most {n} hidden units per layer", "zh": "每层最多 {n} 个隐单元"},
    "class_limit_width": {"en": "a network at most {n} units wide", "zh": "网络宽度最多 {n} 个单元"},
}
