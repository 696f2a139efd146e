"""Pygments palettes for light and night mode, with every token colour checked for contrast."""

from __future__ import annotations

import colorsys
from functools import cache

LIGHT_STYLE, LIGHT_BACKGROUND = "default", "#f6f8fa"
NIGHT_STYLE, NIGHT_BACKGROUND = "github-dark", "#161b22"
NIGHT_SCOPES = (".nightMode", ".night_mode")
# WCAG AA asks for 4.5:1; a little headroom absorbs rounding in browsers.
MIN_CONTRAST = 4.6


@cache
def render_code_css() -> str:
    """Return CSS for `pre.highlight` token classes: a light palette and a night palette."""
    light = palette_rules(LIGHT_STYLE, LIGHT_BACKGROUND, ["pre.highlight"])
    night_scopes = [f"{scope} pre.highlight" for scope in NIGHT_SCOPES]
    night = palette_rules(NIGHT_STYLE, NIGHT_BACKGROUND, night_scopes)
    return "/* Pygments token colours (generated). */\n" + light + night


@cache
def render_light_code_css(scope: str = "pre.highlight", background: str = "#ffffff") -> str:
    """Return only the light palette, for paper and for screens in light mode."""
    return palette_rules(LIGHT_STYLE, background, [scope])


def palette_rules(style_name: str, background: str, scopes: list[str]) -> str:
    """Return one CSS rule per Pygments token class, coloured for `background`."""
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_style_by_name

    style = get_style_by_name(style_name)
    formatter = HtmlFormatter(style=style)
    rules = []
    entries = sorted(formatter.class2style.items(), key=lambda kv: (kv[1][2], kv[0]))
    for css_class, (_, ttype, _) in entries:
        if not css_class:
            continue
        token_style = style.style_for_token(ttype)
        declarations = []
        if token_style["color"]:
            colour = ensure_contrast("#" + token_style["color"], background)
            declarations.append(f"color: {colour}")
        if token_style["bold"]:
            declarations.append("font-weight: bold")
        if token_style["italic"]:
            declarations.append("font-style: italic")
        if declarations:
            selector = ", ".join(f"{scope} .{css_class}" for scope in scopes)
            rules.append(f"{selector} {{ {'; '.join(declarations)} }}")
    return "\n".join(rules) + "\n"


@cache
def ensure_contrast(colour: str, background: str) -> str:
    """Return `colour`, darkened or lightened just enough to reach MIN_CONTRAST on `background`."""
    dark_background = luminance(background) < 0.5
    red, green, blue = hex_to_rgb(colour)
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    candidate = rgb_to_hex(*colorsys.hls_to_rgb(hue, lightness, saturation))
    # Step the lightness away from the background, keeping the hue so tokens stay recognisable.
    while contrast_ratio(candidate, background) < MIN_CONTRAST and 0.0 < lightness < 1.0:
        lightness = min(1.0, lightness + 0.02) if dark_background else max(0.0, lightness - 0.02)
        candidate = rgb_to_hex(*colorsys.hls_to_rgb(hue, lightness, saturation))
    return candidate


def contrast_ratio(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio of two hex colours."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def luminance(colour: str) -> float:
    """Return a hex colour's WCAG relative luminance."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = hex_to_rgb(colour)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    """Parse `#rgb` or `#rrggbb` to channels in 0..1."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def rgb_to_hex(red: float, green: float, blue: float) -> str:
    """Format channels in 0..1 as `#rrggbb`."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in (red, green, blue))
