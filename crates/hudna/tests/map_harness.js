/* Drives the map script in a headless browser and writes what happened into
 * <pre id="hm-test"> as JSON, for crates/hudna/tests/map.rs to check. Loaded after map.js. */
(function () {
  'use strict';
  var out = { errors: [] };
  window.addEventListener('error', function (e) { out.errors.push(String(e.message)); });
  function vb(view) {
    var b = view.viewBox.baseVal;
    return [b.x, b.y, b.width, b.height];
  }
  function centre(el) {
    var r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }
  function pointer(target, type, x, y) {
    target.dispatchEvent(new PointerEvent(type, {
      bubbles: true, cancelable: true, clientX: x, clientY: y, pointerId: 1,
      button: 0, buttons: type === 'pointerup' ? 0 : 1, isPrimary: true
    }));
  }
  function clickOn(el) {
    var ev = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    el.dispatchEvent(ev);
    return ev.defaultPrevented;
  }
  // Links must not navigate away during the test: record whether the map script stopped the
  // click, then stop it here.
  var lastClickPrevented = null;
  window.addEventListener('click', function (e) {
    lastClickPrevented = e.defaultPrevented;
    e.preventDefault();
  });
  window.addEventListener('load', function () {
    try {
      var root = document.querySelector('svg[data-hudna-map]');
      var view = root.querySelector('svg.hm-view');
      var api = root.hudnaMap;
      out.initialised = !!api;
      out.base = vb(view);
      out.k0 = view.style.getPropertyValue('--hm-k');
      root.addEventListener('hudna-map:view', function (e) {
        out.viewEvent = e.detail;
      });

      var label = root.querySelector('.hm-capital-name');
      out.labelHeight0 = label.getBoundingClientRect().height;
      var scaleText = root.querySelector('.hm-scale-text');
      out.scale0 = scaleText.textContent;

      // Wheel over the middle of the map zooms in around the pointer.
      var c = centre(root);
      root.dispatchEvent(new WheelEvent('wheel', {
        bubbles: true, cancelable: true, clientX: c.x, clientY: c.y, deltaY: -700
      }));
      out.afterWheel = vb(view);
      out.zoomAfterWheel = api.zoom();
      out.kAfterWheel = view.style.getPropertyValue('--hm-k');
      out.labelHeightZoomed = label.getBoundingClientRect().height;
      out.scaleZoomed = scaleText.textContent;

      // Buttons.
      api.reset();
      root.querySelector('[data-hudna-zoom="in"]').dispatchEvent(
        new MouseEvent('click', { bubbles: true, cancelable: true }));
      out.zoomAfterButton = api.zoom();
      root.querySelector('[data-hudna-zoom="reset"]').dispatchEvent(
        new MouseEvent('click', { bubbles: true, cancelable: true }));
      out.zoomAfterReset = api.zoom();
      out.afterReset = vb(view);

      // A plain click on an incident is left to the link (the browser opens it); a drag
      // that ends on it does not open it.
      var link = root.querySelector('a.hm-i[data-incident="sample-1"]');
      lastClickPrevented = null;
      clickOn(link);
      out.plainClickPrevented = lastClickPrevented;
      var p = centre(link);
      pointer(link, 'pointerdown', p.x - 40, p.y);
      pointer(link, 'pointermove', p.x - 20, p.y);
      pointer(link, 'pointerup', p.x, p.y);
      lastClickPrevented = null;
      var prevented = clickOn(link);
      // Stopped before the page's listener (null), or seen there already prevented.
      out.clickAfterDragPrevented = lastClickPrevented === null ? prevented : lastClickPrevented;
      out.href = link.getAttribute('href');
      api.reset();

      // A drag of 100 screen pixels to the right moves the view left.
      pointer(root, 'pointerdown', c.x, c.y);
      pointer(root, 'pointermove', c.x + 50, c.y);
      pointer(root, 'pointermove', c.x + 100, c.y);
      pointer(root, 'pointerup', c.x + 100, c.y);
      out.afterDrag = vb(view);
      var rr = root.getBoundingClientRect();
      out.screenPerUnit = Math.min(rr.width / root.viewBox.baseVal.width,
        rr.height / root.viewBox.baseVal.height);
      api.reset();

      // Keyboard.
      root.dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true, cancelable: true }));
      out.zoomAfterKey = api.zoom();
      api.reset();

      // Focusing one incident zooms on it and marks it.
      out.focusFound = api.focusIncident('sample-2', 8);
      out.zoomAfterFocus = api.zoom();
      out.selected = root.querySelector('a.hm-selected') &&
        root.querySelector('a.hm-selected').getAttribute('data-incident');
      out.boundsAfterFocus = api.bounds();
    } catch (err) {
      out.errors.push(String(err && err.stack || err));
    }
    setTimeout(function () {
      var pre = document.createElement('pre');
      pre.id = 'hm-test';
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
    }, 400);
  });
})();
