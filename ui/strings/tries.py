"""Strings of the "things to try" items of the landscape (learn-an-EBM), RBM and DBN/DBM pages
(issue 12 §5): each item's text with the numbers measured at the state its buttons set, the
buttons' labels, and the statistics added to show the items' effects."""

S: dict[str, dict[str, str]] = {
    # --- landscape, learn an EBM (ui/landscape/tries.py) ------------------------------------------
    "tries_ebm2d_1": {
        "en": "8 Gaussians with the defaults: after 200 updates a ring has appeared (held-out log-likelihood ≈ −3.0); "
              "by 600 it has broken into eight wells (≈ −2.65; the true density scores −2.49).",
        "zh": "用默认设置训练 8 个高斯：200 次更新后出现一个圆环（留出集对数似然约 −3.0）；到 600 次时圆环已分裂成八个势阱"
              "（约 −2.65；真实密度为 −2.49）。"},
    "tries_ebm2d_2": {
        "en": "Re-initialisation 0: the persistent chains never restart and stay on the data (after 400 updates ≈ 8 % of "
              "the negatives lie off the data). 1: every chain starts from noise, as in short-run training, and K = 5 "
              "steps leave ≈ 45 % of them off the data; the energy gap grows to ≈ 3.5 (re-initialisation 0: ≈ 0.8).",
        "zh": "重新初始化比例为 0：持续链从不重启，始终停留在数据上（400 次更新后约 8% 的负样本远离数据）。为 1：每条链都从噪声出发，"
              "等同于短程链训练，K = 5 步后约 45% 的负样本仍远离数据；能量差增大到约 3.5（比例为 0 时约 0.8）。"},
    "tries_ebm2d_3": {
        "en": "CD-k with K = 1: each negative is a data point moved one small Langevin step, so none lies off the data, the "
              "two mean energies are equal (energy gap ≈ 0) and the gradient vanishes: after 400 updates the held-out "
              "log-likelihood is still below −3.0 (persistent chains, the default: ≈ −2.7).",
        "zh": "CD-k 且 K = 1：每个负样本只是数据点走了一小步朗之万，因此没有负样本远离数据，两个平均能量相等（能量差约为 0），"
              "梯度消失：400 次更新后留出集对数似然仍低于 −3.0（默认的持续链约为 −2.7）。"},
    "tries_ebm2d_4": {
        "en": "α = 0 removes the energy regularisation: nothing holds the energies near 0, and after 200 updates the data's "
              "mean energy has drifted to ≈ −20 (α = 0.1: ≈ −0.7). ε = 0.3 makes the Langevin negatives too wide (ULA "
              "bias: after 400 updates ≈ 55 % lie off the data), and the model compensates by sharpening: the energy "
              "gap grows to ≈ 6.5 (ε = 0.02: ≈ 1.2).",
        "zh": "α = 0 去掉能量正则化：没有什么把能量拉回 0 附近，200 次更新后数据的平均能量已漂移到约 −20（α = 0.1 时约 −0.7）。"
              "ε = 0.3 使朗之万负样本过宽（ULA 偏差：400 次更新后约 55% 远离数据），模型以变得更尖锐来补偿：能量差增大到约 6.5"
              "（ε = 0.02 时约 1.2）。"},
    "ebm2d_try_reinit0": {"en": "Re-init 0", "zh": "比例 0"},
    "ebm2d_try_reinit1": {"en": "Re-init 1", "zh": "比例 1"},
    "ebm2d_try_alpha0": {"en": "α = 0", "zh": "α = 0"},
    "ebm2d_try_eps": {"en": "ε = 0.3", "zh": "ε = 0.3"},
    "ebm2d_off_data": {"en": "Negatives off the data", "zh": "远离数据的负样本"},
    "ebm2d_off_data_help": {
        "en": "Share of the last update's negatives farther than {r} from every training point.",
        "zh": "上一次更新的负样本中，与每个训练点的距离都大于 {r} 的比例。"},
    # --- RBM (ui/rbm/tries.py) ---------------------------------------------------------------------
    "tries_rbm_1": {
        "en": "Train with CD-1, then CD-10 (1,000 digits, 10 epochs, same seed) and compare the chains from noise in "
              "“Free energies”: CD-1's samples lie far above the test digits (mean F ≈ −57 against −104): its chains "
              "have not reached the digits; CD-10's lie below them (≈ −140 against −97).",
        "zh": "先用 CD-1、再用 CD-10 训练（1,000 个数字、10 轮、相同种子），在“自由能”中比较从噪声出发的链：CD-1 的样本远高于"
              "测试数字（平均 F 约 −57，测试数字约 −104）：它的链还没有走到数字上；CD-10 的样本低于测试数字（约 −140，测试数字约 −97）。"},
    "tries_rbm_2": {
        "en": "Switch to PCD (1,000 digits, 10 epochs): the persistent chains dig deep modes, and the chains from noise "
              "end far below the test digits in free energy (“Free energies”: mean F ≈ −154 against −77; with CD-5, "
              "the default, ≈ −98 against −107).",
        "zh": "切换到 PCD（1,000 个数字、10 轮）：持续链挖出很深的模式，从噪声出发的链最终的自由能远低于测试数字"
              "（“自由能”：平均 F 约 −154，测试数字约 −77；默认的 CD-5 约 −98，测试数字约 −107）。"},
    "tries_rbm_3": {
        "en": "Sample the shipped model at T = 0.5 and at T = 2 (“Free energies”): at T = 0.5 the chains freeze in deep, "
              "clean modes, as low as the test digits or lower (mean F ≈ −343 against −335; at T = 1 the samples stay a "
              "little above them, ≈ −326); at T = 2 the digits dissolve into noise (≈ −134, far above).",
        "zh": "分别在 T = 0.5 和 T = 2 下对预训练模型采样（“自由能”）：T = 0.5 时链冻结在深而清晰的模式中，与测试数字一样低或更低"
              "（平均 F 约 −343，测试数字约 −335；T = 1 时样本停在其稍上方，约 −326）；T = 2 时数字溶解为噪声（约 −134，远高于测试数字）。"},
    "tries_rbm_4": {
        "en": "Train on 500 digits for 20 epochs and watch the free-energy gap test − train grow (“Training curves”): "
              "from ≈ 2 after the first epoch to ≈ 13 after the last: overfitting, visible without any likelihood.",
        "zh": "只用 500 个数字训练 20 轮，观察自由能差（测试 − 训练）变大（“训练曲线”）：从第一轮后的约 2 增加到最后一轮后的约 13："
              "无需计算似然即可看到过拟合。"},
    "tries_rbm_5": {
        "en": "Set η = 0.5 (1,000 digits, 10 epochs): training breaks down. The reconstruction error stays at ≈ 0.087 "
              "(η = 0.05: it falls to ≈ 0.05) and the test digits' free energy turns positive (mean F ≈ +69; "
              "η = 0.05: ≈ −107).",
        "zh": "把 η 设为 0.5（1,000 个数字、10 轮）：训练失败。重构误差停留在约 0.087（η = 0.05 时降到约 0.05），测试数字的自由能"
              "变为正值（平均 F 约 +69；η = 0.05 时约 −107）。"},
    "tries_rbm_6": {
        "en": "Clamp the left half of a 3 or a 5 (shipped model): the eight chains give different completions (two "
              "chains disagree on ≈ 9 % of the hidden pixels for the 3, ≈ 4 % for the 5), but none recovers the "
              "original: each differs from it on ≈ 15 % (the 3) and ≈ 23 % (the 5) of the hidden pixels, about as much as "
              "or more than a blank half would (17 %, 13 %). Half a digit leaves more than one digit possible.",
        "zh": "固定 3 或 5 的左半部分（预训练模型）：八条链给出不同的补全（对 3，任意两条链在约 9% 的被遮住像素上不同；对 5 约 4%），"
              "但没有一条恢复出原图：对 3 约 15%、对 5 约 23% 的被遮住像素与原图不同，与空白的一半相当或更多（17%、13%）。"
              "半个数字不止对应一种可能的数字。"},
    "rbm_try_cd1": {"en": "CD-1", "zh": "CD-1"},
    "rbm_try_cd10": {"en": "CD-10", "zh": "CD-10"},
    "rbm_try_pcd": {"en": "PCD", "zh": "PCD"},
    "rbm_try_cold": {"en": "T = 0.5", "zh": "T = 0.5"},
    "rbm_try_hot": {"en": "T = 2", "zh": "T = 2"},
    "rbm_try_three": {"en": "A 3", "zh": "一个 3"},
    "rbm_try_five": {"en": "A 5", "zh": "一个 5"},
    "rbm_clamp_spread": {
        "en": "Reading each chain's completion as ink where p > 0.5: two of the {n} chains disagree on {spread:.0%} of "
              "the hidden pixels on average; a chain differs from the original on {wrong:.0%} of them (a blank half: {ink:.0%}).",
        "zh": "把每条链的补全在 p > 0.5 处记为墨迹：{n} 条链中任意两条平均在 {spread:.0%} 的被遮住像素上不同；"
              "每条链与原图在其中 {wrong:.0%} 的像素上不同（空白的一半：{ink:.0%}）。"},
    # --- DBN / DBM (ui/deep/tries.py) -------------------------------------------------------------
    "tries_dbn_1": {
        "en": "Clamp the label to 3 (shipped DBN) and raise the Gibbs steps from 20 to 500: the 3s form. After 20 steps "
              "the DBN's own classifier reads only ≈ 7 of the 20 samples as a 3; after 500, ≈ 17.",
        "zh": "把标签固定为 3（预训练 DBN），把吉布斯步数从 20 增加到 500：3 逐渐成形。20 步后 DBN 自己的分类器只把 20 个样本中的"
              "约 7 个认作 3；500 步后约 17 个。"},
    "tries_dbn_2": {
        "en": "Set the label to “none” (shipped DBN): the top RBM samples the label itself. The labels drawn are listed "
              "under the samples (8 different digits among 20 here), and the classifier reads ≈ 18 of the 20 digits "
              "as the label drawn: the sampled label steers the digit.",
        "zh": "把标签设为“不固定”（预训练 DBN）：顶层 RBM 自己采样标签。采到的标签列在样本下方（这里 20 个中有 8 种数字），"
              "分类器把 20 个数字中的约 18 个认作所采到的标签：采样得到的标签决定了数字。"},
    "tries_dbn_3": {
        "en": "Train a small DBN (3 epochs per layer, 2 of fine-tuning), then open “Fine-tuning: before vs after”: the "
              "accuracy moves a little (≈ 82.4 % → 83.5 %), the clamped-label samples much more (the classifier reads "
              "≈ 10 of 20 as the asked-for digit before, ≈ 18 after).",
        "zh": "训练一个小 DBN（每层 3 轮，微调 2 轮），然后打开“微调：前后对比”：准确率只变化一点（约 82.4% → 83.5%），"
              "而固定标签生成的样本变化大得多（分类器认作所要求数字的样本：微调前约 20 个中的 10 个，微调后约 18 个）。"},
    "tries_dbn_4": {
        "en": "Train the same small DBN with the top RBM's CD-k = 1 instead of 5: the test accuracy is similar (≈ 79.4 % "
              "against 79.8 % on the progress line), but clamped labels steer generation much less (≈ 10 of 20 samples "
              "read as the asked-for digit, against ≈ 18).",
        "zh": "用同样的小 DBN，把顶层 RBM 的 CD-k 从 5 改为 1 来训练：测试准确率相近（进度行上约 79.4%，CD-5 约 79.8%），"
              "但固定标签对生成的控制弱得多（20 个样本中约 10 个被认作所要求的数字，CD-5 约 18 个）。"},
    "tries_dbn_5": {
        "en": "Look at the confusion matrix (shipped DBN): its most frequent mistakes are 7→9, 9→4 and 3→5, pairs that "
              "people mix up too.",
        "zh": "观察混淆矩阵（预训练 DBN）：它最常犯的错误是 7→9、9→4 和 3→5，人也会混淆这些数字对。"},
    "tries_dbm_1": {
        "en": "Open “Mean field” on test digit 0 (shipped DBM): μ¹ settles in 14 iterations; the change per "
              "iteration falls geometrically, by about half each time, below the tolerance 10⁻⁴.",
        "zh": "在“平均场”中查看测试数字 0（预训练 DBM）：μ¹ 在 14 次迭代内稳定；每次迭代的变化按几何速度下降，"
              "每次约减半，直到低于容差 10⁻⁴。"},
    "tries_dbm_2": {
        "en": "Train a small DBM (200-200, 1 pretraining epoch, 2 joint epochs) with a learning rate of 0.005 instead "
              "of 0.001: the persistent chains collapse onto one digit (the mean distance between two chains' pictures "
              "falls from ≈ 3.2 to ≈ 0.9), a sign that the model term cannot keep up.",
        "zh": "用学习率 0.005（而不是 0.001）训练一个小 DBM（200-200，预训练 1 轮，联合训练 2 轮）：持续链塌缩到同一个数字上"
              "（两条链图像之间的平均距离从约 3.2 降到约 0.9），说明模型项跟不上参数的变化。"},
    "tries_dbm_3": {
        "en": "Set the pretraining epochs to 0 (the same small DBM): the joint phase starts from small random weights; "
              "after 2 epochs the chains are still one blur (mean distance between two ≈ 0.4, against ≈ 3.2 with one "
              "pretraining epoch) and the reconstruction error is higher (≈ 0.086 against 0.068).",
        "zh": "把预训练轮数设为 0（同样的小 DBM）：联合训练从很小的随机权重开始；2 轮后持续链仍是一团模糊（两条链之间的平均距离"
              "约 0.4，预训练 1 轮时约 3.2），重构误差也更高（约 0.086，预训练时约 0.068）。"},
    "tries_dbm_4": {
        "en": "Estimate the bound (shipped DBM, K = 200 inverse temperatures) with 10 and then 100 AIS runs: log Z ≈ 778 "
              "and ≈ 780, the test bound ≈ −108 and ≈ −109: ten times the runs move them by about one nat. The page "
              "says why that is no reassurance: log Z still moved by 3–6 nats when β doubled from 100 to 200. Here too "
              "few temperatures, not too few runs, keep log Z low (and the bound too high): `evaluate`'s 2,000 and "
              "4,000 β give 786.3 and 786.8 (they agree within 1 nat) and a test bound ≈ −112.5.",
        "zh": "先用 10 次、再用 100 次 AIS 运行估计下界（预训练 DBM，K = 200 个逆温度）：log Z 约 778 和约 780，测试下界"
              "约 −108 和约 −109：运行次数增加十倍，它们只变化约 1 奈特。页面说明了这为什么不能让人放心：β 从 100 加倍到 200 "
              "时，log Z 仍然变化了 3–6 奈特。这里让 log Z 偏低（下界偏高）的是逆温度太少，而不是运行次数太少："
              "`evaluate` 用 2,000 和 4,000 个 β 得到 786.3 和 786.8（两者相差不到 1 奈特），测试下界约 −112.5。"},
    "tries_dbm_5": {
        "en": "Generate 200 and then 2,000 sweeps from the persistent chains (shipped DBM): they stay digits of many "
              "kinds and do not drift into one mode: the mean distance between two samples stays ≈ 10 (10.1 after 200 sweeps, "
              "10.2 after 2,000; two test digits: 11.4).",
        "zh": "从持续链出发先生成 200 次、再生成 2,000 次扫描（预训练 DBM）：它们仍是各种各样的数字，没有漂移到同一个模式："
              "两个样本之间的平均距离保持在约 10（200 次扫描后 10.1，2,000 次后 10.2；两个测试数字之间 11.4）。"},
    "deep_try_20": {"en": "20 steps", "zh": "20 步"},
    "deep_try_500": {"en": "500 steps", "zh": "500 步"},
    "deep_try_topk1": {"en": "CD-1", "zh": "CD-1"},
    "deep_try_topk5": {"en": "CD-5", "zh": "CD-5"},
    "deep_try_lr_small": {"en": "η = 0.001", "zh": "η = 0.001"},
    "deep_try_lr_big": {"en": "η = 0.005", "zh": "η = 0.005"},
    "deep_try_pre0": {"en": "No pretraining", "zh": "不预训练"},
    "deep_try_pre1": {"en": "1 epoch", "zh": "1 轮"},
    "deep_try_runs10": {"en": "10 runs", "zh": "10 次"},
    "deep_try_runs100": {"en": "100 runs", "zh": "100 次"},
    "deep_try_200": {"en": "200 sweeps", "zh": "200 次"},
    "deep_try_2000": {"en": "2,000 sweeps", "zh": "2,000 次"},
    "deep_read_caption": {
        "en": "The DBN's own classifier reads {agree} of the {n} samples as the label drawn or clamped (labels: {labels}).",
        "zh": "DBN 自己的分类器把 {n} 个样本中的 {agree} 个认作采到或固定的标签（标签：{labels}）。"},
    "deep_spread_caption": {
        "en": "Mean distance between two of these pictures: {d:.1f} (two test digits: {dt:.1f}); chains that share one "
              "mode come close to 0.",
        "zh": "这些图像两两之间的平均距离：{d:.1f}（两个测试数字之间：{dt:.1f}）；处在同一个模式中的链会接近 0。"},
    "deep_top_confusions": {"en": "Most frequent mistakes (true → predicted): {pairs}",
                            "zh": "最常见的错误（真实 → 预测）：{pairs}"},
    "deep_ft_read": {"en": "Samples read as the clamped label: {agree} of {n}",
                     "zh": "被认作所固定标签的样本：{n} 个中的 {agree} 个"},
}
