/* hudna map script: pan, zoom and click-to-open for the SVG drawn by the hudna-map crate.
 * Plain JavaScript, no dependencies, no build step. Works on every svg[data-hudna-map] of
 * the page. What it relies on (see the crate's documentation):
 *   root  svg[data-hudna-map]: viewBox "0 0 W H", data-max-zoom, data-projection,
 *         data-scale, data-x0, data-y0, data-lat0 (pixels -> degrees)
 *   view  svg.hm-view inside it: the only thing whose viewBox changes
 *   a.hm-i[data-incident]: incident links (native navigation; a drag never opens one)
 *   [data-hudna-zoom=in|out|reset]: buttons; .hm-scale[data-km-per-px][data-unit]: scale bar
 * It sets the CSS variable --hm-k (zoom factor) on the view, so markers and names keep their
 * size on screen, and fires "hudna-map:view" on the root with {zoom, bbox:[w,s,e,n]}.
 */
(function () {
  'use strict';
  var DRAG_PX = 4;

  function num(el, name, dflt) {
    var v = parseFloat(el.getAttribute(name));
    return isFinite(v) ? v : dflt;
  }

  function init(root) {
    if (root.hudnaMap) return root.hudnaMap;
    var view = root.querySelector('svg.hm-view');
    if (!view) return null;
    var rvb = root.viewBox.baseVal, vb = view.viewBox.baseVal;
    var W = rvb.width, H = rvb.height;
    var base = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    var cur = { x: base.x, y: base.y, w: base.w, h: base.h };
    var maxZoom = Math.max(1, num(root, 'data-max-zoom', 16));
    var proj = {
      kind: root.getAttribute('data-projection'),
      scale: num(root, 'data-scale', 1), x0: num(root, 'data-x0', 0),
      y0: num(root, 'data-y0', 0), lat0: num(root, 'data-lat0', 0)
    };
    var scaleG = root.querySelector('.hm-scale');
    var scaleBar = scaleG && scaleG.querySelector('.hm-scale-bar');
    var scaleText = scaleG && scaleG.querySelector('.hm-scale-text');
    var kmPerPx = scaleG ? num(scaleG, 'data-km-per-px', 0) : 0;
    var unit = scaleG ? scaleG.getAttribute('data-unit') || 'km' : 'km';
    var scaleLeft = !scaleG || scaleG.getAttribute('data-side') !== 'right';
    var eventTimer = null;

    function zoom() { return base.w / cur.w; }

    // Screen pixels -> the root's units (its viewBox is scaled to fit, centred).
    function toRoot(clientX, clientY) {
      var r = root.getBoundingClientRect();
      var s = Math.min(r.width / W, r.height / H);
      return {
        x: (clientX - r.left - (r.width - W * s) / 2) / s,
        y: (clientY - r.top - (r.height - H * s) / 2) / s,
        s: s
      };
    }
    // The root's units -> the map's units (the view fills the root, same aspect).
    function toMap(p) {
      return { x: cur.x + p.x * cur.w / W, y: cur.y + p.y * cur.h / H };
    }

    function toDegrees(x, y) {
      var px = x / proj.scale + proj.x0, py = proj.y0 - y / proj.scale;
      if (proj.kind === 'equirectangular') {
        return [px / Math.cos(proj.lat0 * Math.PI / 180) * 180 / Math.PI, py * 180 / Math.PI];
      }
      return [px * 180 / Math.PI, (2 * Math.atan(Math.exp(py)) - Math.PI / 2) * 180 / Math.PI];
    }

    function bounds() {
      var nw = toDegrees(cur.x, cur.y), se = toDegrees(cur.x + cur.w, cur.y + cur.h);
      return [nw[0], se[1], se[0], nw[1]].map(function (v) { return Math.round(v * 1e5) / 1e5; });
    }

    function updateScale(k) {
      if (!scaleBar || !(kmPerPx > 0)) return;
      var per = kmPerPx / k, max = 120 * per;
      var p = Math.pow(10, Math.floor(Math.log(max) / Math.LN10));
      var km = [5, 2, 1].map(function (m) { return m * p; })
        .filter(function (v) { return v <= max; })[0] || p;
      var len = km / per, x = scaleLeft ? 16 : W - 16 - len, y = H - 18;
      scaleBar.setAttribute('d', 'M' + x + ' ' + (y - 5) + 'v5h' + len + 'v-5');
      scaleText.setAttribute('x', x + len / 2);
      scaleText.textContent = (km >= 1 ? km : km.toFixed(2).replace(/0+$/, '')) + ' ' + unit;
    }

    function apply() {
      // Keep the centre over the drawing, so the map cannot be lost off screen.
      var cx = Math.min(Math.max(cur.x + cur.w / 2, base.x), base.x + base.w);
      var cy = Math.min(Math.max(cur.y + cur.h / 2, base.y), base.y + base.h);
      cur.x = cx - cur.w / 2;
      cur.y = cy - cur.h / 2;
      view.setAttribute('viewBox', [cur.x, cur.y, cur.w, cur.h].join(' '));
      var k = zoom();
      view.style.setProperty('--hm-k', String(k));
      updateScale(k);
      clearTimeout(eventTimer);
      eventTimer = setTimeout(function () {
        var ev;
        try {
          ev = new CustomEvent('hudna-map:view', { detail: { zoom: k, bbox: bounds() } });
        } catch (e) { return; }
        root.dispatchEvent(ev);
      }, 150);
    }

    // Zooms by factor f keeping the map point (x, y) where it is on screen.
    function zoomAt(f, x, y) {
      var k = zoom(), nk = Math.min(maxZoom, Math.max(1, k * f));
      f = nk / k;
      if (Math.abs(f - 1) < 1e-9) return;
      cur.x = x - (x - cur.x) / f;
      cur.y = y - (y - cur.y) / f;
      cur.w /= f;
      cur.h /= f;
      apply();
    }
    function zoomCentre(f) { zoomAt(f, cur.x + cur.w / 2, cur.y + cur.h / 2); }
    function reset() { cur = { x: base.x, y: base.y, w: base.w, h: base.h }; apply(); }
    function panBy(dx, dy) { cur.x += dx; cur.y += dy; apply(); }

    // Pointers: one drags, two pinch.
    var pointers = {}, drag = null, pinch = null, suppressClick = false;
    function count() { return Object.keys(pointers).length; }
    function pinchState() {
      var ids = Object.keys(pointers), a = pointers[ids[0]], b = pointers[ids[1]];
      return {
        d: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
        mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2
      };
    }
    root.addEventListener('pointerdown', function (e) {
      if (e.button !== 0 || e.target.closest('[data-hudna-zoom]')) return;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
      if (count() === 1) {
        drag = { id: e.pointerId, sx: e.clientX, sy: e.clientY, x: cur.x, y: cur.y, moved: false };
      } else if (count() === 2) {
        drag = null;
        pinch = pinchState();
      }
    });
    root.addEventListener('pointermove', function (e) {
      if (!pointers[e.pointerId]) return;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
      if (pinch && count() === 2) {
        var now = pinchState(), p = toMap(toRoot(now.mx, now.my));
        zoomAt(now.d / pinch.d, p.x, p.y);
        pinch = now;
        suppressClick = true;
        return;
      }
      if (!drag || drag.id !== e.pointerId) return;
      var dx = e.clientX - drag.sx, dy = e.clientY - drag.sy;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_PX) return;
      if (!drag.moved) {
        drag.moved = true;
        // Capture only once it is a drag: a plain click must still reach the link.
        try { root.setPointerCapture(e.pointerId); } catch (err) { /* ignore */ }
        view.classList.add('hm-dragging');
      }
      var s = toRoot(0, 0).s;
      cur.x = drag.x - dx / s * cur.w / W;
      cur.y = drag.y - dy / s * cur.h / H;
      apply();
    });
    function release(e) {
      if (!pointers[e.pointerId]) return;
      delete pointers[e.pointerId];
      if (drag && drag.id === e.pointerId && drag.moved) {
        suppressClick = true;
        setTimeout(function () { suppressClick = false; }, 0);
      }
      if (count() < 2) pinch = null;
      if (count() === 0) {
        drag = null;
        view.classList.remove('hm-dragging');
        if (suppressClick) setTimeout(function () { suppressClick = false; }, 0);
      }
    }
    root.addEventListener('pointerup', release);
    root.addEventListener('pointercancel', release);
    // A drag that ends over an incident must not open it.
    root.addEventListener('click', function (e) {
      if (suppressClick) {
        e.preventDefault();
        e.stopPropagation();
        suppressClick = false;
      }
    }, true);

    root.addEventListener('wheel', function (e) {
      e.preventDefault();
      var step = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : 0.0015;
      var p = toMap(toRoot(e.clientX, e.clientY));
      zoomAt(Math.exp(-e.deltaY * step), p.x, p.y);
    }, { passive: false });

    root.addEventListener('dblclick', function (e) {
      if (e.target.closest('[data-hudna-zoom]')) return;
      e.preventDefault();
      var p = toMap(toRoot(e.clientX, e.clientY));
      zoomAt(e.shiftKey ? 0.5 : 2, p.x, p.y);
    });

    function button(action) {
      if (action === 'in') zoomCentre(2);
      else if (action === 'out') zoomCentre(0.5);
      else if (action === 'reset') reset();
    }
    Array.prototype.forEach.call(root.querySelectorAll('[data-hudna-zoom]'), function (b) {
      b.addEventListener('click', function (e) {
        e.preventDefault();
        button(b.getAttribute('data-hudna-zoom'));
      });
      b.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          e.stopPropagation();
          button(b.getAttribute('data-hudna-zoom'));
        }
      });
    });

    root.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var step = 0.15;
      var keys = {
        '+': function () { zoomCentre(2); }, '=': function () { zoomCentre(2); },
        '-': function () { zoomCentre(0.5); }, '0': reset,
        ArrowLeft: function () { panBy(-cur.w * step, 0); },
        ArrowRight: function () { panBy(cur.w * step, 0); },
        ArrowUp: function () { panBy(0, -cur.h * step); },
        ArrowDown: function () { panBy(0, cur.h * step); }
      };
      if (keys[e.key]) {
        e.preventDefault();
        keys[e.key]();
      }
    });

    // Centres and zooms on one incident and marks it (for "show on the map" links:
    // a page URL ending in #incident=ID).
    function focusIncident(id, z) {
      var found = null;
      Array.prototype.some.call(root.querySelectorAll('a.hm-i[data-incident]'), function (a) {
        if (a.getAttribute('data-incident') === String(id)) { found = a; return true; }
        return false;
      });
      if (!found) return false;
      var c = found.querySelector('circle');
      var x = parseFloat(c.getAttribute('cx')), y = parseFloat(c.getAttribute('cy'));
      var k = Math.min(maxZoom, z || 6);
      cur = { w: base.w / k, h: base.h / k, x: x - base.w / k / 2, y: y - base.h / k / 2 };
      apply();
      found.classList.add('hm-selected');
      found.parentNode.appendChild(found);
      return true;
    }

    var api = {
      zoomIn: function () { zoomCentre(2); },
      zoomOut: function () { zoomCentre(0.5); },
      reset: reset,
      zoom: zoom,
      bounds: bounds,
      focusIncident: focusIncident
    };
    root.hudnaMap = api;
    var m = /^#incident=(.+)$/.exec(window.location.hash || '');
    if (m) focusIncident(decodeURIComponent(m[1]));
    else apply();
    return api;
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll('svg[data-hudna-map]'), init);
  }
  window.hudnaMap = { init: init, initAll: initAll };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', initAll);
  else initAll();
})();
