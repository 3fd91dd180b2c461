"""What the page-level browser tests share: error checks, pictures and a whole-page screenshot."""

from __future__ import annotations

# Two animation frames and a little more: the browser has painted what the page just drew.
NEXT_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"


def assert_no_errors(page) -> None:
    """No Python exception and no st.error box on the page."""
    assert page.locator("[data-testid='stException']").count() == 0
    errs = page.locator("[data-testid='stAlertContentError']")
    assert errs.count() == 0, errs.all_inner_texts()


def main_images(page) -> list[dict]:
    """Every picture in the main area: its source and whether the browser decoded it."""
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stImage] img')]"
        ".map(i => ({src: i.currentSrc, ok: i.complete && i.naturalWidth > 0, w: i.clientWidth}))")


def captions(page) -> str:
    return " ".join(page.locator("[data-testid='stMain'] [data-testid='stImageCaption']").all_inner_texts())


def screenshot_whole_page(page, path: str, settle_ms: int = 300) -> None:
    """Streamlit scrolls inside its main section, so full_page=True stops at the viewport:
    grow the viewport to the content's height for the picture, then put it back."""
    vp = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight), 0)")
    page.mouse.move(5, 5)  # no hover highlight in the picture
    page.set_viewport_size({"width": vp["width"], "height": max(vp["height"], min(int(height) + 40, 4000))})
    page.evaluate(NEXT_FRAMES_JS)
    page.wait_for_timeout(settle_ms)  # plotly relayout
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(vp)


# The chain canvas draws on two stacked layers (the landscape with the paths so far, then a
# transparent overlay with the moving parts): what a student sees is their composite.
# ``(root) => canvas``, for page.evaluate snippets that read pixels.
COMPOSITE_JS = """(root) => {
  const layers = root.querySelectorAll('canvas');
  const out = document.createElement('canvas');
  out.width = layers[0].width; out.height = layers[0].height;
  const g = out.getContext('2d');
  for (const c of layers) g.drawImage(c, 0, 0);
  out.cssWidth = layers[0].clientWidth;
  return out;
}"""
