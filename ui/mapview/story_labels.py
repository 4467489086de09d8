"""Name labels of a slide's highlighted parks on the live map, placed so that none overlaps
another label, a highlighted park's marker, the caption card, a map control or the map's edge
(issue 26). Pixel geometry is only known in the browser, so the placement runs there: after
every fit, zoom, pan and resize (Leaflet's `moveend`/`zoomend`/`resize`) and once the fonts
have loaded.

The rules are those of the export (`ui.exports.static_layout.place_labels`, `ui.exports.
static_map`): a label starts centred above its park, 4 px clear of the marker; it must stay
inside the map, clear of the caption and the other labels (with a little padding, the export's
`expand`); a label that had to move away from its park gets a thin leader line to it (the
export's `arrowprops`). The export moves labels with adjustText; here the moves are discrete:
candidate positions around the marker tried greedily in a fixed order, the first free one wins
(`CANDIDATE_ORDER`), labels placed one after the other in the slide's order of highlights. When
no candidate is free, the one overlapping least is kept (never one under the caption or off the
map when any other exists).

Every label is a `<div class="parkatlas-highlight-label" data-r="...">` (its text already
escaped) inside a DivIcon anchored at the park; `data-r` is the marker's radius in pixels. The
placement only sets the label's position and draws a leader line (`parkatlas-label-leader`);
it never touches the label's text.
"""

from __future__ import annotations

import json

import folium
from jinja2 import Template

GAP_PX = 4
"""Clearance between a marker and its label (the export's `lift` = radius + 4 px)."""

PAD_PX = 3
"""Padding kept between a label and another label, a marker, the caption, a control, the edge."""

CANDIDATE_ORDER = ("above", "below", "right", "left", "above-right", "above-left", "below-right", "below-left")
"""The directions tried on each ring, in order: the export's starting place (centred above the
park) first."""

_DIRS = {"above": (0, -1), "below": (0, 1), "right": (1, 0), "left": (-1, 0), "above-right": (1, -1),
         "above-left": (-1, -1), "below-right": (1, 1), "below-left": (-1, 1)}

_BETWEEN = ((1, -2), (-1, -2), (1, 2), (-1, 2), (2, -1), (-2, -1), (2, 1), (-2, 1))
"""On the rings further out, after the eight directions: the eight between them."""

LABEL_FONT_PX, LABEL_MAX_WIDTH_PX = 15, 220
"""A label's type size and its widest (longer names wrap)."""

STEP_PX = 8
"""How much further out each ring of candidates is."""

ATTEMPTS = ((1.0, 6), (0.85, 6), (0.72, 10), (0.72, 40))
"""(type scale, rings tried) of each attempt, in order: when some label finds no free place near
its park (a small map, many parks), all labels are set smaller and placed again, and at last
further out. If no attempt places every label, the one that hides fewest is kept: a label with
no free place is hidden (its park keeps its tooltip), never drawn over another."""

LEADER_CSS = "position:absolute;height:1.5px;background:#333333;transform-origin:0 50%;pointer-events:none"


class LabelPlacer(folium.MacroElement):
    """Added to the FeatureGroup of the highlighted parks: while the group is on the map, places
    its name labels (class `parkatlas-highlight-label`) as the module describes."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var GAP = {{ this.gap }}, PAD = {{ this.pad }}, STEP = {{ this.step }};
            var DIRS = {{ this.dirs_json }}, MORE = {{ this.more_json }}, LEADER_CSS = {{ this.leader_css_json }};
            var ATTEMPTS = {{ this.attempts_json }}, FONT_PX = {{ this.font_px }}, MAX_W = {{ this.max_w }};
            function relBox(el, o) {
                var r = el.getBoundingClientRect();
                return {l: r.left - o.left, t: r.top - o.top, r: r.right - o.left, b: r.bottom - o.top};
            }
            function overlap(a, b, pad) {  // area of a (grown by pad) over b; 0 when clear
                var w = Math.min(a.r + pad, b.r) - Math.max(a.l - pad, b.l);
                var h = Math.min(a.b + pad, b.b) - Math.max(a.t - pad, b.t);
                return w > 0 && h > 0 ? w * h : 0;
            }
            function overCircle(a, c, pad) {  // does box a (grown by pad) touch circle c?
                var x = Math.max(a.l, Math.min(c.x, a.r)), y = Math.max(a.t, Math.min(c.y, a.b));
                var dx = c.x - x, dy = c.y - y, rr = c.r + pad;
                return dx * dx + dy * dy < rr * rr;
            }
            function crosses(s, b) {  // does segment s [x0, y0, x1, y1] pass through box b (Liang-Barsky)?
                var t0 = 0, t1 = 1, dx = s[2] - s[0], dy = s[3] - s[1];
                var ps = [-dx, dx, -dy, dy], qs = [s[0] - b.l, b.r - s[0], s[1] - b.t, b.b - s[1]];
                for (var i = 0; i < 4; i++) {
                    if (ps[i] === 0) { if (qs[i] < 0) { return false; } continue; }
                    var t = qs[i] / ps[i];
                    if (ps[i] < 0) { t0 = Math.max(t0, t); } else { t1 = Math.min(t1, t); }
                    if (t0 > t1) { return false; }
                }
                return t1 - t0 > 1e-3;
            }
            function leaderOf(it, b) {  // the leader line of `it` placed at box b: marker's rim to the box
                var nx = Math.max(b.l, Math.min(it.x, b.r)) - it.x, ny = Math.max(b.t, Math.min(it.y, b.b)) - it.y;
                var len = Math.hypot(nx, ny) || 1, rim = Math.min(it.r, len);
                return [it.x + nx / len * rim, it.y + ny / len * rim, it.x + nx, it.y + ny];
            }
            function candidate(p, w, h, d, dist) {  // the box whose near side is `dist` from p towards d
                var k = 1 / Math.hypot(d[0], d[1]);
                var x = p.x + d[0] * dist * k, y = p.y + d[1] * dist * k;
                var l = d[0] > 0 ? x : d[0] < 0 ? x - w : x - w / 2;
                var t = d[1] > 0 ? y : d[1] < 0 ? y - h : y - h / 2;
                return {l: l, t: t, r: l + w, b: t + h};
            }
            function leader(icon, show, x0, y0, x1, y1) {
                var line = icon.querySelector(".parkatlas-label-leader");
                if (!show) { if (line) { line.style.display = "none"; } return; }
                if (!line) {
                    line = document.createElement("div");
                    line.className = "parkatlas-label-leader";
                    line.style.cssText = LEADER_CSS;
                    icon.insertBefore(line, icon.firstChild);
                }
                var len = Math.hypot(x1 - x0, y1 - y0);
                line.style.display = len > 1 ? "block" : "none";
                line.style.left = x0 + "px"; line.style.top = y0 + "px"; line.style.width = len + "px";
                line.style.transform = "rotate(" + Math.atan2(y1 - y0, x1 - x0) + "rad)";
            }
            function badness(b, seg, W, H, fixed, marks, placed) {  // 0: a free place
                var bad = 0;  // off the map or under a control: worst; then a marker; then a label
                if (b.l < PAD || b.t < PAD || b.r > W - PAD || b.b > H - PAD) { bad += 1e9; }
                fixed.forEach(function (f) { bad += 1e6 * overlap(b, f, PAD); });
                marks.forEach(function (m) { if (overCircle(b, m, PAD)) { bad += 1e4; } });
                placed.forEach(function (o) {
                    var a = overlap(b, o.box, PAD);
                    if (a) { bad += 1 + a; }
                    // a leader line through another label, or a label over another's leader line
                    if ((seg && crosses(seg, o.box)) || (o.seg && crosses(o.seg, b))) { bad += 1; }
                });
                return bad;
            }
            function candidates(it, rings) {  // ring by ring, in CANDIDATE_ORDER: [box, ring]
                var out = [];
                for (var ring = 0; ring <= rings; ring++) {
                    var dist = it.r + GAP + ring * STEP, dirs = ring ? DIRS.concat(MORE) : DIRS;
                    dirs.forEach(function (d) { out.push([candidate(it, it.w, it.h, d, dist), ring]); });
                }
                return out;
            }
            function layout(order, W, H, fixed, marks, rings) {
                // place the labels one after the other, each on its first free candidate; a label
                // with none is hidden (its park keeps its tooltip) rather than put over another.
                // Returns how many were hidden.
                var placed = [], missed = 0;
                order.forEach(function (it) {
                    var cands = candidates(it, rings);
                    it.box = cands[0][0]; it.ring = 0; it.seg = null; it.hidden = it.inside;
                    if (!it.inside) { return; }  // off the map (panned away): above its park
                    for (var i = 0; i < cands.length && it.hidden; i++) {
                        var seg = cands[i][1] ? leaderOf(it, cands[i][0]) : null;
                        if (!badness(cands[i][0], seg, W, H, fixed, marks, placed)) {
                            it.hidden = false; it.box = cands[i][0]; it.ring = cands[i][1]; it.seg = seg;
                        }
                    }
                    if (it.hidden) { missed += 1; } else { placed.push(it); }
                });
                return missed;
            }
            function place() {
                var map = group._map;
                if (!map) { return; }
                var box = map.getContainer().getBoundingClientRect(), W = box.width, H = box.height;
                if (!W || !H) { return; }
                var items = [];
                group.eachLayer(function (layer) {
                    var icon = layer._icon, el = icon && icon.querySelector(".parkatlas-highlight-label");
                    if (!el) { return; }
                    var a = icon.getBoundingClientRect(), x = a.left - box.left, y = a.top - box.top;
                    items.push({icon: icon, el: el, r: parseFloat(el.dataset.r) || 0, x: x, y: y,
                                inside: x >= 0 && x <= W && y >= 0 && y <= H});
                });
                // what no label may cover: the caption and every other control, and the markers
                var fixed = [];
                map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
                    var b = relBox(c, box);
                    if (b.r - b.l > 0 && b.b - b.t > 0) { fixed.push(b); }
                });
                var marks = items.map(function (it) { return {x: it.x, y: it.y, r: it.r}; });
                // Each attempt (ATTEMPTS: full size near the markers first, then smaller type, then
                // further out) places the labels in the slide's order, then, if some label found no
                // free place, the labels with the fewest free places first. The first attempt that
                // frees every label wins; else the one that fared best.
                function attempt(a, k) {
                    items.forEach(function (it) {
                        it.el.style.display = "";  // measured shown, even if the last placement hid it
                        it.el.style.fontSize = a[0] === 1 ? "" : (FONT_PX * a[0]) + "px";
                        it.el.style.maxWidth = (MAX_W * a[0]) + "px";
                        var s = it.el.getBoundingClientRect(); it.w = s.width; it.h = s.height;
                        it.room = candidates(it, a[1]).filter(function (c) {
                            return !badness(c[0], null, W, H, fixed, marks, []); }).length;
                    });
                    var order = k === 0 ? items.slice() : items.slice().sort(function (p, q) { return p.room - q.room; });
                    return layout(order, W, H, fixed, marks, a[1]);
                }
                var best = null, keep = null, got = null;
                search:
                for (var i = 0; i < ATTEMPTS.length; i++) {
                    for (var k = 0; k < 2; k++) {
                        got = attempt(ATTEMPTS[i], k);
                        if (!best || got < best) { best = got; keep = [i, k]; }
                        if (got === 0) { break search; }
                    }
                }
                if (got !== best) { attempt(ATTEMPTS[keep[0]], keep[1]); }
                items.forEach(function (it) {
                    var el = it.el, b = it.box;
                    el.style.position = "absolute"; el.style.transform = "none"; el.style.margin = "0";
                    el.style.display = it.hidden ? "none" : "";
                    el.style.left = (b.l - it.x) + "px"; el.style.top = (b.t - it.y) + "px";
                    el.dataset.placed = it.hidden ? "hidden" : it.ring > 0 ? "leader" : "beside";
                    var seg = leaderOf(it, b);  // from the marker's rim to the nearest point of the label
                    leader(it.icon, it.ring > 0 && !it.hidden, seg[0] - it.x, seg[1] - it.y, seg[2] - it.x, seg[3] - it.y);
                });
            }
            var events = "moveend zoomend resize", timers = [];
            function later() {  // after the caption's fit, and once the frame and fonts have settled
                timers.forEach(clearTimeout);
                timers = [0, 450, 1200].map(function (ms) { return setTimeout(place, ms); });
                if (document.fonts && document.fonts.ready) { document.fonts.ready.then(place); }
            }
            var shownOn = null;
            function show(map) {
                if (shownOn !== map) { if (shownOn) { shownOn.off(events, place); } shownOn = map; map.on(events, place); }
                later();
            }
            group.on("add", function (e) { show(e.target._map); });
            group.on("remove", function () {
                timers.forEach(clearTimeout);
                if (shownOn) { shownOn.off(events, place); shownOn = null; }
            });
            if (group._map) { show(group._map); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "LabelPlacer"
        self.gap, self.pad, self.step = GAP_PX, PAD_PX, STEP_PX
        self.dirs_json = json.dumps([list(_DIRS[d]) for d in CANDIDATE_ORDER])
        self.more_json = json.dumps([list(d) for d in _BETWEEN])
        self.attempts_json = json.dumps([list(a) for a in ATTEMPTS])
        self.font_px, self.max_w = LABEL_FONT_PX, LABEL_MAX_WIDTH_PX
        self.leader_css_json = json.dumps(LEADER_CSS)
