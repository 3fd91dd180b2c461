"""Page styling: readable on a classroom projector; presentation mode enlarges everything."""

import streamlit as st

# Presentation mode (issue 13): 21 px root, so Streamlit's smallest text (0.875rem: captions,
# widget labels, metric labels) is 18.4 px; a shorter title and top padding, so the main
# picture and its controls fit the first screen at 1280×720; the chain canvas (its
# ``st.key-mcmc_picture`` fragment) as tall as the screen allows.
# KaTeX sizes a script by the classes reset-size<R> size<S>: S's multiplier over R's, in em.
_KATEX_MULT = {1: 0.5, 2: 0.6, 3: 0.7, 4: 0.8, 5: 0.9, 6: 1.0}
_KATEX_FLOOR = "\n  ".join(
    f'[data-testid="stMain"] .katex .sizing.reset-size{r}.size{s} {{ font-size: max(18px, {_KATEX_MULT[s] / _KATEX_MULT[r]:.4f}em); }}'
    for r in range(1, 7) for s in (1, 2) if s != r)
_PRESENT_CSS = """
  [data-testid="stMainBlockContainer"] { padding-top: 3.4rem; padding-bottom: 2rem; }
  [data-testid="stMain"] h1 { font-size: 1.75rem; padding: 0.25rem 0 0.5rem; }
  [data-testid="stMain"] h2 { font-size: 1.45rem; }
  [data-testid="stMain"] h3 { font-size: 1.25rem; }
  /* Streamlit's smaller-than-caption texts (the slider's min / max)  */
  [data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"],
  [data-testid="stMain"] small { font-size: 18px; }
  /* code (a share link, a command line) is drawn at 0.65 of the text: no smaller than 18 px */
  [data-testid="stMain"] code, [data-testid="stMain"] pre { font-size: max(18px, 0.875em) !important; }
  /* formulas: KaTeX draws sub- and superscripts at 0.7 of its size: 1.3rem keeps them above 18 px */
  [data-testid="stMain"] .katex { font-size: 1.3rem; }
  /* ... and their second-level scripts (KaTeX's size1, size2: 0.5, 0.6 of the base) no smaller than 18 px */
  """ + _KATEX_FLOOR + """
  .st-key-mcmc_canvas, .st-key-mcmc_canvas .stBidiComponent,
  .st-key-mcmc_canvas [data-testid="stBidiComponentIsolated"] {
    height: max(360px, calc(100vh - 7.6rem)) !important; }
  .st-key-mcmc_canvas { flex: 0 0 max(360px, calc(100vh - 7.6rem)) !important; }  /* (its column's flex basis) */
"""


def apply_style(presenting: bool) -> None:
    size = "1.3125rem" if presenting else "1.0rem"
    st.html(f"""<style>
      html {{ font-size: {size}; }}
      [data-testid="stMetricValue"] {{ font-size: {'2.2rem' if presenting else '1.6rem'}; }}
      /* "1.064 / 1.052" (x / y) wraps at its spaces instead of ending in "…" in a narrow column */
      [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{
        white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
      {_PRESENT_CSS if presenting else ""}
    </style>""")
