// dpsim run report viewer: renders the JSON embedded in the page (reports/html/model.ts).
// Vanilla JS, no network; every value goes into the DOM as text, never as markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';
  var MAX_ROWS = 5000;

  function el(tag, props) {
    var node = document.createElement(tag);
    setProps(node, props);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) node.setAttribute(k, String(attrs[k]));
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setProps(node, props) {
    for (var k in props || {}) {
      var v = props[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'class') node.className = v;
      else if (k === 'on') for (var ev in v) node.addEventListener(ev, v[ev]);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  /** append(node, child, child, ...): strings become text; arrays are flattened; null/false skipped. */
  function append(node) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) { for (var j = 0; j < child.length; j++) append(node, child[j]); continue; }
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    }
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function byId(id) { return document.getElementById(id); }
  function option(value, label, selected) { return el('option', { value: value, text: label, selected: !!selected }); }
  function stepTitle(i) { var s = data.steps[i]; return s ? s.title : 'step ' + i; }

  // ---- steps ----------------------------------------------------------------------------
  function renderSteps() {
    var head = el('tr', {}, el('th', { text: 'Step' }), el('th', { text: 'What' }),
      data.backends.map(function (b) { return el('th', { text: b }); }),
      data.compared ? el('th', { text: 'emulator vs kernel' }) : null);
    var rows = data.steps.map(function (s) {
      var cells = data.backends.map(function (b) {
        var r = s.results[b];
        if (!r) return el('td', { text: 'not run' });
        var failed = r.expectations.filter(function (x) { return !x.ok; });
        return el('td', { class: 'outcome-cell', 'data-backend': b },
          el('span', { class: 'badge ' + r.outcome.replace(/ /g, '-'), text: r.outcome }), ' ',
          el('span', { class: 'small', text: r.summary }),
          failed.map(function (x) { return el('div', { class: 'expect-failed', text: 'expected ' + x.what + ': ' + x.expected + ', got ' + x.actual }); }),
          r.error ? el('div', { class: 'expect-failed', text: r.error }) : null,
          r.note ? el('div', { class: 'note', text: r.note }) : null);
      });
      var diff = data.compared ? el('td', { class: s.diverging.length ? 'diverges' : '', text: s.diverging.length ? 'differs: ' + s.diverging.join(', ') : 'same' }) : null;
      return el('tr', { 'data-step': s.index, on: { click: function () { selectStep(s.index); } } },
        el('td', { text: s.title }), el('td', { class: 'mono', text: s.what }), cells, diff);
    });
    var table = byId('steps-table');
    append(table, el('thead', {}, head));
    append(table, el('tbody', {}, rows));
  }

  // ---- packet path ----------------------------------------------------------------------
  var path = { step: 0, backend: data.backends[0], point: null };

  function stepPackets() {
    return data.packets.filter(function (p) { return p.step === path.step && p.backend === path.backend; })
      .sort(function (a, b) { return a.timeNs - b.timeNs || a.id - b.id; });
  }
  function pointsInOrder(packets) {
    var seen = {}, out = [];
    packets.forEach(function (p) {
      var e = seen[p.point];
      if (!e) { e = seen[p.point] = { point: p.point, count: 0, first: p.time, diverges: false }; out.push(e); }
      e.count++;
      if (p.divergences.length) e.diverges = true;
    });
    return out;
  }

  function renderPathControls() {
    var stepSel = byId('path-step');
    data.steps.forEach(function (s) { append(stepSel, option(s.index, s.title + ' — ' + s.what)); });
    stepSel.addEventListener('change', function () { selectStep(Number(stepSel.value)); });
    var bSel = byId('path-backend');
    data.backends.forEach(function (b) { append(bSel, option(b, b)); });
    bSel.addEventListener('change', function () { path.backend = bSel.value; path.point = null; renderPath(); });
    if (data.backends.length < 2) bSel.parentNode.hidden = true;
    byId('path-trace').addEventListener('click', function () { showTrace(path.step, 'step ' + path.step); });
  }

  function selectStep(i) {
    path.step = i; path.point = null;
    byId('path-step').value = String(i);
    document.querySelectorAll('#steps-table tbody tr').forEach(function (tr) { tr.classList.toggle('selected', Number(tr.getAttribute('data-step')) === i); });
    renderPath();
  }

  function renderPath() {
    var packets = stepPackets();
    var points = pointsInOrder(packets);
    drawPath(points);
    highlightTopology(points);
    var shown = path.point ? packets.filter(function (p) { return p.point === path.point; }) : packets;
    byId('path-caption').textContent = points.length
      ? stepTitle(path.step) + ' on ' + path.backend + ': ' + packets.length + ' packets at ' + points.length + ' observation points' + (path.point ? ' (showing ' + path.point + ' only: click it again for all)' : '')
      : stepTitle(path.step) + ' on ' + path.backend + ': no packets captured';
    var body = byId('packets-body');
    clear(body);
    append(body, shown.slice(0, MAX_ROWS).map(function (p) {
      var hook = data.hooks[p.point];
      return el('tr', { class: p.divergences.length ? 'diverges' : '', 'data-packet': p.id },
        el('td', { class: 'mono', text: p.time }), el('td', { class: 'mono', text: p.point }),
        el('td', { class: 'small', text: hook || '' }), el('td', { text: p.length }),
        el('td', { class: 'mono tcpdump', text: p.line }),
        el('td', {}, el('button', { class: 'trace-button', text: 'trace', on: { click: function () { showTrace(p.step, 'packet at ' + p.point); } } }),
          p.divergences.map(function (id) { return el('button', { class: 'diff-button', text: 'diff', on: { click: function () { focusDivergence(id); } } }); })));
    }));
  }

  function drawPath(points) {
    var host = byId('path');
    clear(host);
    if (!points.length) return;
    var W = 250, H = 66, GX = 44, GY = 34, PER = 4, M = 10;
    var cols = Math.min(PER, points.length), rows = Math.ceil(points.length / PER);
    var width = M * 2 + cols * W + (cols - 1) * GX, height = M * 2 + rows * H + (rows - 1) * GY;
    var root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img', 'aria-label': 'packet path' });
    root.appendChild(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#7d8b99' }))));
    function pos(i) { return { x: M + (i % PER) * (W + GX), y: M + Math.floor(i / PER) * (H + GY) }; }
    points.forEach(function (p, i) {
      if (i === 0) return;
      var a = pos(i - 1), b = pos(i), d;
      if (a.y === b.y) d = 'M ' + (a.x + W) + ' ' + (a.y + H / 2) + ' L ' + b.x + ' ' + (b.y + H / 2);
      else d = 'M ' + (a.x + W / 2) + ' ' + (a.y + H) + ' L ' + (a.x + W / 2) + ' ' + (a.y + H + GY / 2) + ' L ' + (b.x + W / 2) + ' ' + (a.y + H + GY / 2) + ' L ' + (b.x + W / 2) + ' ' + b.y;
      root.appendChild(svg('path', { d: d, class: 'path-arrow', 'marker-end': 'url(#arrow)' }));
    });
    points.forEach(function (p, i) {
      var at = pos(i), hook = data.hooks[p.point];
      var cls = 'path-node' + (hook ? ' hooked' : '') + (p.diverges ? ' diverges' : '') + (path.point === p.point ? ' selected' : '');
      var g = svg('g', { class: cls, 'data-point': p.point, transform: 'translate(' + at.x + ',' + at.y + ')' },
        svg('rect', { width: W, height: H, rx: 6 }),
        svg('text', { x: 8, y: 17 }, (i + 1) + '. ' + p.point),
        svg('text', { x: 8, y: 34, class: 'path-hook' }, hook || 'no program attached'),
        svg('text', { x: 8, y: 52, class: 'small' }, p.count + ' packet' + (p.count === 1 ? '' : 's') + ' · first ' + p.first + (p.diverges ? ' · differs' : '')),
        svg('title', {}, p.point + (hook ? ' — ' + hook : '')));
      g.addEventListener('click', function () { path.point = path.point === p.point ? null : p.point; renderPath(); });
      root.appendChild(g);
    });
    host.appendChild(root);
  }

  function highlightTopology(points) {
    var on = {}, bad = {};
    points.forEach(function (p) { var dev = p.point.replace(/:(ingress|egress)$/, ''); on[dev] = true; if (p.diverges) bad[dev] = true; });
    document.querySelectorAll('.topology .topo-device').forEach(function (g) {
      var dev = g.getAttribute('data-point');
      g.classList.toggle('on-path', !!on[dev]);
      g.classList.toggle('diverges', !!bad[dev]);
    });
  }

  // ---- flows ----------------------------------------------------------------------------
  function distinct(values) { return values.filter(function (v, i) { return values.indexOf(v) === i; }).sort(); }

  function renderFlowControls() {
    append(byId('filter-verdict'), [option('', 'all'), option('FORWARDED', 'FORWARDED'), option('DROPPED', 'DROPPED')]);
    append(byId('filter-pod'), [option('', 'all')].concat(data.pods.map(function (p) { return option(p, p); })));
    append(byId('filter-protocol'), [option('', 'all')].concat(distinct(data.flows.map(function (f) { return f.protocol; })).map(function (p) { return option(p, p); })));
    append(byId('filter-backend'), [option('', 'all')].concat(data.backends.map(function (b) { return option(b, b); })));
    if (data.backends.length < 2) byId('filter-backend').parentNode.hidden = true;
    append(byId('filter-step'), [option('', 'all')].concat(data.steps.map(function (s) { return option(s.index, s.title); })));
    ['filter-verdict', 'filter-pod', 'filter-protocol', 'filter-backend', 'filter-step'].forEach(function (id) { byId(id).addEventListener('change', renderFlows); });
    byId('filter-text').addEventListener('input', renderFlows);
    var head = ['Time', 'Backend', 'Step', 'Node', 'Source', 'Destination', 'Observation point', 'Verdict', 'Drop reason', 'Summary', ''];
    append(byId('flows-table'), el('thead', {}, el('tr', {}, head.map(function (h) { return el('th', { text: h }); }))));
    append(byId('flows-table'), el('tbody', { id: 'flows-body' }));
  }

  function flowMatches(f, q) {
    if (q.verdict && f.verdict !== q.verdict) return false;
    if (q.pod && f.pods.indexOf(q.pod) < 0) return false;
    if (q.protocol && f.protocol !== q.protocol) return false;
    if (q.backend && f.backend !== q.backend) return false;
    if (q.step !== '' && f.step !== Number(q.step)) return false;
    if (q.text) {
      var hay = [f.time, f.backend, stepTitle(f.step), f.node, f.source, f.destination, f.point, f.verdict, f.dropReason, f.summary, f.compact].join(' ').toLowerCase();
      if (hay.indexOf(q.text) < 0) return false;
    }
    return true;
  }

  function renderFlows() {
    var q = {
      verdict: byId('filter-verdict').value, pod: byId('filter-pod').value, protocol: byId('filter-protocol').value,
      backend: byId('filter-backend').value, step: byId('filter-step').value, text: byId('filter-text').value.trim().toLowerCase(),
    };
    var rows = data.flows.filter(function (f) { return flowMatches(f, q); });
    var body = byId('flows-body');
    clear(body);
    append(body, rows.slice(0, MAX_ROWS).map(function (f) {
      return el('tr', { class: 'flow verdict-' + f.verdict.toLowerCase(), 'data-flow': f.id, title: f.compact },
        el('td', { class: 'mono', text: f.time }), el('td', { text: f.backend }), el('td', { text: f.step }),
        el('td', { text: f.node }), el('td', { class: 'mono', text: f.source }), el('td', { class: 'mono', text: f.destination }),
        el('td', { text: f.point }), el('td', {}, el('span', { class: 'badge ' + (f.verdict === 'DROPPED' ? 'fail' : 'pass'), text: f.verdict })),
        el('td', { text: f.dropReason }), el('td', { text: f.summary }),
        el('td', {}, el('button', { class: 'trace-button', text: 'trace', on: { click: function () { showTrace(f.step, 'flow ' + f.compact); } } })));
    }));
    byId('flow-count').textContent = rows.length + ' of ' + data.flows.length + ' flows' + (rows.length > MAX_ROWS ? ' (first ' + MAX_ROWS + ' shown)' : '');
  }

  // ---- divergences ----------------------------------------------------------------------
  function fieldTable(fields) {
    return el('table', { class: 'fields' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Field' }), el('th', { text: 'Emulator' }), el('th', { text: 'Kernel' }))),
      el('tbody', {}, fields.map(function (f) {
        var cls = f.status === 'diverges' ? 'diff-field' : f.status === 'normalised' ? 'normalised-field' : '';
        return el('tr', { class: cls, title: f.status === 'normalised' ? 'differs only before normalisation' : '' },
          el('td', { class: 'mono', text: f.name }), el('td', { class: 'mono', text: f.emulator }), el('td', { class: 'mono', text: f.kernel }));
      })));
  }

  function renderDivergences() {
    var host = byId('divergences');
    if (!data.compared) {
      append(host, el('p', { class: 'muted', text: 'Not compared: only ' + (data.backends.join(' and ') || 'no backend') + ' ran.' }));
      return;
    }
    byId('divergence-count').textContent = data.divergences.length ? data.divergences.length + ' divergence(s)' : 'the emulator and the kernel agree';
    append(host, data.divergences.map(function (d) {
      var notable = d.fields.filter(function (f) { return f.status !== 'same'; });
      return el('div', { class: 'divergence', id: 'divergence-' + d.id, 'data-kind': d.kind },
        el('h3', {}, '[' + d.kind + '] ' + d.where + ': ', el('span', { class: 'mono', text: d.field })),
        el('div', { class: 'mono tcpdump side-emulator', text: 'emulator: ' + d.emulator }),
        el('div', { class: 'mono tcpdump side-kernel', text: 'kernel:   ' + d.kernel }),
        d.tcpdump && (d.tcpdump.emulator !== d.emulator || d.tcpdump.kernel !== d.kernel) ? [
          el('div', { class: 'small', text: 'the packets, as captured:' }),
          el('div', { class: 'mono tcpdump packet-emulator', text: 'emulator: ' + d.tcpdump.emulator }),
          el('div', { class: 'mono tcpdump packet-kernel', text: 'kernel:   ' + d.tcpdump.kernel })] : null,
        notable.length ? fieldTable(notable) : null,
        d.fields.length > notable.length ? el('details', {}, el('summary', { text: 'all ' + d.fields.length + ' fields' }), fieldTable(d.fields)) : null,
        d.step !== undefined ? el('button', { text: 'show ' + stepTitle(d.step), on: { click: function () { showDivergencePath(d); } } }) : null);
    }));
    if (data.normalisations.length) {
      append(host, el('h3', { text: 'Normalised before comparing' }),
        el('ul', {}, data.normalisations.map(function (n) { return el('li', {}, el('code', { text: n.name }), ' — ' + n.reason); })));
    }
  }

  function showDivergencePath(d) {
    selectStep(d.step);
    if (d.point) { path.point = d.point; renderPath(); }
    byId('path-section').scrollIntoView();
  }

  function focusDivergence(id) {
    var node = byId('divergence-' + id);
    if (!node) return;
    document.querySelectorAll('.divergence.focus').forEach(function (n) { n.classList.remove('focus'); });
    node.classList.add('focus');
    node.scrollIntoView();
  }

  // ---- trace ----------------------------------------------------------------------------
  function showTrace(step, origin) {
    var box = byId('trace');
    box.hidden = false;
    var t = data.traces[step];
    byId('trace-title').textContent = 'Trace for ' + stepTitle(step) + ' (from ' + origin + ')';
    var info = byId('trace-info'), pre = byId('trace-lines');
    clear(info); clear(pre);
    if (!t) {
      info.textContent = 'No datapath program ran on a captured packet of this step (no packet at a device with a program attached).';
    } else {
      append(info,
        el('div', {}, 'First program run of the step: ', el('code', { text: t.object + ' ' + t.program }), ' at ' + t.point + ' on ' + t.node +
          (t.retval !== undefined ? ', returned ' + t.retval : '') + (t.insnCount !== undefined ? ' after ' + t.insnCount + ' instructions' : '')),
        el('div', { class: 'mono', text: 'frame (' + t.frameFrom + '): ' + t.packet }),
        el('div', { class: 'small', text: 'Note: the frame was ' + t.caveat + '.' }),
        t.fault ? el('pre', { class: 'expect-failed', text: t.fault }) : null);
      append(pre, t.lines.map(function (l) {
        var cls = /^; /.test(l) ? 'src' : /^\s+call /.test(l) ? 'call' : '';
        return el('span', { class: cls, text: l + '\n' });
      }));
      if (t.omitted) append(pre, el('span', { class: 'src', text: '... ' + t.omitted + ' more trace lines not kept' }));
    }
    box.scrollIntoView();
  }

  renderSteps();
  renderPathControls();
  renderFlowControls();
  renderFlows();
  renderDivergences();
  selectStep(0);
  document.body.setAttribute('data-ready', 'true');
})();
