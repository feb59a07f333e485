/* map_app's map: event markers by family and sub-type, clusters that show their mix of
 * events, a density heatmap, place labels by zoom, oblast and raion lines, and a timeline
 * with a histogram and playback. Plain Leaflet 1.9 + MarkerCluster; nothing leaves the
 * machine. Every string from an article is escaped before it reaches the page.
 *
 * The page calls MapApp.places() once per layer, then MapApp.finish(); the app (through
 * streamlit-folium's feature groups) calls MapApp.setRange() and MapApp.select().
 */
(function () {
  "use strict";
  var A = (window.MapApp = window.MapApp || {});
  var DAY_MS = 86400000;

  var esc = (A.esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  });
  var dayText = (A.dayText = function (d) {
    return new Date(d * DAY_MS).toISOString().slice(0, 10);
  });

  var iconCache = {};

  function icon(colour, shape, size, css) {
    var key = colour + shape + size + css;
    if (!iconCache[key]) {
      iconCache[key] = L.divIcon({
        className: "map-app-mk " + css,
        html: "<svg viewBox='0 0 20 20' width='" + size + "' height='" + size + "'><path d='" +
          (S.opts.paths[shape] || S.opts.paths.circle) + "' fill='" + colour + "' stroke='#fff' " +
          "stroke-width='1.6'/></svg>",
        iconSize: [size, size], iconAnchor: [size / 2, size / 2], popupAnchor: [0, -size / 2],
      });
    }
    return iconCache[key];
  }

  // The app's state: every marker with its day, and the shown range
  var S = (A.state = {
    map: null, items: [], byId: {}, groups: [], lo: null, hi: null, undated: true,
    play: null, timer: null, heat: [], opts: null, areas: [],
  });

  A.stop = function () {
    if (S.timer) clearInterval(S.timer);
    S.timer = null;
  };

  function table(D, name, i) {
    var k = D[name][i];
    return k == null || k < 0 ? "" : D[name + "_t"][k];
  }

  function popupHtml(D, i, role, labels) {
    var T = function (n) { return table(D, n, i); };
    var place = T("place"), text = T("text"), q = D.quote[i] || "", h = esc(q);
    var at = text ? q.indexOf(text) : -1;
    if (at >= 0) {
      h = esc(q.slice(0, at)) + "<mark><b>" + esc(text) + "</b></mark>" +
        esc(q.slice(at + text.length));
    }
    // a name written in another script (Cyrillic) shows as written beside its English name
    var written = text && /[\u0400-\u04ff]/.test(text) ? " · " + esc(text) : "";
    var out = ["<b>" + esc(place) + "</b>" + written +
      " <span style='color:#666'>(" + esc(role) + ")</span>"];
    if (q) out.push("<div style='margin:4px 0'>“" + h + "”</div>");
    var src = "<i>" + esc(T("article")) + "</i>";
    var site = T("site"), url = T("url");
    if (site) src += " · " + esc(site);
    if (/^https?:\/\//i.test(url)) {
      src += " · <a href='" + esc(url) + "' target='_blank' rel='noopener noreferrer'>link</a>";
    }
    out.push(src + " · " + esc(D.day[i] == null ? "undated" : dayText(D.day[i])));
    var et = T("event_type");
    if (et) {
      var cas = [];
      if (D.killed[i] != null) cas.push(D.killed[i] + " killed");
      if (D.wounded[i] != null) cas.push(D.wounded[i] + " wounded");
      out.push("Event: " + esc(labels[et] || et.replace(/_/g, " ")) +
        (cas.length ? " · " + esc(cas.join(", ")) : ""));
    }
    if (D.dist[i] != null) {
      out.push("Border: " + esc(D.dist[i].toFixed(1)) + " km to " + esc(T("nearest_border")));
    }
    var v = T("claim_verdict");
    if (v) out.push("Claim: " + esc(D.claim[i] || "") + " → <b>" + esc(v) + "</b>");
    var c = T("control");
    if (c) out.push("Control: " + esc(c));
    out.push("Gazetteer: " + esc(T("entry")) + " (" + D.lat[i].toFixed(4) + ", " +
      D.lon[i].toFixed(4) + ")");
    var a = D.alts[i] || [];
    if (a.length) {
      out.push("Runners-up: " + a.map(function (x) {
        return esc(x[0]) + " (" + esc(x[1]) + ", " + esc(x[2]) + ") " + esc(x[3]);
      }).join("; "));
    }
    return "<div class='map-app-popup'>" + out.join("<br>") + "</div>";
  }

  // Popups keep clear of the legend (top right) and the timeline (bottom).
  var POPUP = { maxWidth: 380, autoPanPaddingTopLeft: [60, 20],
                autoPanPaddingBottomRight: [275, 110] };

  /* One layer of places from compact column arrays (see plot._compact).
   * group: the FeatureGroup or MarkerClusterGroup they go in; o: {role, colours, families,
   * shapes, labels} */
  A.places = function (map, group, D, o) {
    S.map = map;
    S.opts = o;
    var muted = o.role === "mention";
    var batch = [];
    for (var i = 0; i < D.lon.length; i++) {
      var et = table(D, "event_type", i);
      var size = muted ? 10 : Math.round(Math.min(13 + 4 * Math.sqrt(
        (D.killed[i] || 0) + 0.5 * (D.wounded[i] || 0)), 30));
      var mk = L.marker([D.lat[i], D.lon[i]], {
        icon: icon(muted ? o.mention : (o.colours[et] || "#444"),
                   muted ? "circle" : (o.shapes[et] || "circle"), size, "map-app-" + o.role),
        keyboard: false, riseOnHover: true,
      });
      (function (j, m) {
        m.bindPopup(function () { return popupHtml(D, j, o.role, o.labels); }, POPUP);
        // the row's key rides in the tooltip's text: streamlit-folium returns it on click
        m.bindTooltip(esc(table(D, "place", j)) +
          "<span class='map-app-key' style='display:none'>\u2063" + esc(D.key[j]) + "</span>");
      })(i, mk);
      var item = { marker: mk, group: group, layer: o.layer, day: D.day[i], shown: true,
                   type: muted ? null : et,
                   family: muted ? null : (o.families[et] || null), lat: D.lat[i],
                   lon: D.lon[i], weight: muted ? 0 : 1, role: o.role };
      mk.mapAppFamily = item.family;
      S.items.push(item);
      if (D.key[i] && !S.byId[D.key[i]]) S.byId[D.key[i]] = item;
      batch.push(mk);
    }
    if (group.addLayers) group.addLayers(batch);
    else batch.forEach(function (m) { group.addLayer(m); });
    if (S.groups.indexOf(group) < 0) S.groups.push(group);
  };

  /* Region incidents drawn as outlines (a folium GeoJson, one feature per region with the
   * days of its incidents): each shows while any of its days is in the range. */
  A.areas = function (geojson) {
    geojson.eachLayer(function (l) {
      var p = (l.feature && l.feature.properties) || {};
      // its family is read from its colour once the places have given the palette
      S.areas.push({ layer: l, parent: geojson, days: p.days || [null], shown: true,
                     family: null, types: p.types || [] });
    });
  };

  /* A cluster's icon: a ring of its event families' shares, its count in the middle. */
  A.clusterIcon = function (cluster) {
    var fam = (S.opts && S.opts.familyColours) || {};
    var counts = {}, n = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
      var f = m.mapAppFamily || "other";
      counts[f] = (counts[f] || 0) + 1;
      n++;
    });
    var stops = [], acc = 0, keys = Object.keys(fam).concat(["other"]);
    keys.forEach(function (f) {
      if (!counts[f]) return;
      var c = fam[f] || "#888", a0 = acc / n * 360;
      acc += counts[f];
      stops.push(c + " " + a0.toFixed(1) + "deg " + (acc / n * 360).toFixed(1) + "deg");
    });
    var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
    return L.divIcon({
      className: "map-app-cluster",
      html: "<div style='width:" + size + "px;height:" + size + "px;background:conic-gradient(" +
        stops.join(",") + ")'><span>" + n + "</span></div>",
      iconSize: [size, size],
    });
  };

  function visible(day) {
    if (day == null) return S.undated;
    var hi = S.play != null ? Math.min(S.play, S.hi == null ? S.play : S.hi) : S.hi;
    return (S.lo == null || day >= S.lo) && (hi == null || day <= hi);
  }

  /* Show exactly the markers inside the range (and up to the playback day). */
  A.apply = function () {
    var add = new Map(), rem = new Map();
    S.items.forEach(function (it) {
      var v = visible(it.day);
      if (v === it.shown) return;
      it.shown = v;
      var m = v ? add : rem;
      if (!m.has(it.group)) m.set(it.group, []);
      m.get(it.group).push(it.marker);
    });
    rem.forEach(function (ms, g) {
      if (g.removeLayers) g.removeLayers(ms); else ms.forEach(function (x) { g.removeLayer(x); });
    });
    add.forEach(function (ms, g) {
      if (g.addLayers) g.addLayers(ms); else ms.forEach(function (x) { g.addLayer(x); });
    });
    S.areas.forEach(function (a) {
      var v = a.days.some(visible);
      if (v === a.shown) return;
      a.shown = v;
      if (v) a.parent.addLayer(a.layer); else a.parent.removeLayer(a.layer);
    });
    S.heat.forEach(function (h) { h.redraw(); });
    if (A.timelineUpdate) A.timelineUpdate();
  };

  /* The app's date range (ISO days or null) and whether undated articles are shown. */
  A.setRange = function (lo, hi, undated) {
    var parse = function (s) { return s ? Math.floor(Date.parse(s + "T00:00:00Z") / DAY_MS) : null; };
    S.lo = parse(lo);
    S.hi = parse(hi);
    S.undated = undated !== false;
    A.stop();
    S.play = null;
    A.apply();
  };

  /* Fly to one place by its row key and open its popup (a table row or a search result). */
  A.select = function (key) {
    var it = S.byId[key];
    if (!it || !S.map) return false;
    if (!it.shown) { S.play = null; it.shown = true; it.group.addLayer(it.marker); }
    // a mention chosen while the mentions layer is off turns the layer on
    if (!S.map.hasLayer(it.group) && it.layer && !S.map.hasLayer(it.layer)) {
      S.map.addLayer(it.layer);
    }
    var open = function () { it.marker.openPopup(); };
    if (it.group.zoomToShowLayer) {
      S.map.setView([it.lat, it.lon], Math.max(S.map.getZoom(), 9), { animate: false });
      it.group.zoomToShowLayer(it.marker, open);
    } else {
      S.map.setView([it.lat, it.lon], Math.max(S.map.getZoom(), 9), { animate: false });
      open();
    }
    return true;
  };

  /* Mark a place found by the search, its popup open (the popup's HTML is built and escaped
   * by the app). */
  A.found = function (lat, lon, html) {
    if (!S.map) return;
    if (S.found) S.map.removeLayer(S.found);
    S.found = L.marker([lat, lon], { icon: L.divIcon({ className: "map-app-found-icon",
      html: "<div class='map-app-found'>&#x2316;</div>", iconSize: [22, 22] }) })
      .bindPopup(html, POPUP).addTo(S.map);
    S.map.setView([lat, lon], 9, { animate: false });
    S.found.openPopup();
  };

  // ------------------------------------------------------------------ density heatmap
  var HeatLayer = L.Layer.extend({
    options: { radius: 16, pane: "overlayPane" },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create("canvas", "map-app-heat leaflet-zoom-hide");
      this.getPane().appendChild(this._canvas);
      map.on("moveend resize zoomend", this.redraw, this);
      S.heat.push(this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize zoomend", this.redraw, this);
      S.heat.splice(S.heat.indexOf(this), 1);
    },
    redraw: function () {
      var map = this._map;
      if (!map) return;
      var size = map.getSize(), cv = this._canvas, r = this.options.radius;
      cv.width = size.x;
      cv.height = size.y;
      L.DomUtil.setPosition(cv, map.containerPointToLayerPoint([0, 0]));
      var ctx = cv.getContext("2d");
      var sprite = this._sprite || (this._sprite = (function () {
        var s = document.createElement("canvas"), g;
        s.width = s.height = 2 * r;
        var c = s.getContext("2d");
        g = c.createRadialGradient(r, r, 0, r, r, r);
        g.addColorStop(0, "rgba(0,0,0,1)");
        g.addColorStop(1, "rgba(0,0,0,0)");
        c.fillStyle = g;
        c.fillRect(0, 0, 2 * r, 2 * r);
        return s;
      })());
      var b = map.getBounds().pad(0.1);
      ctx.globalAlpha = 0.18;
      S.items.forEach(function (it) {
        if (!it.shown || !it.weight || !b.contains([it.lat, it.lon])) return;
        var p = map.latLngToContainerPoint([it.lat, it.lon]);
        ctx.drawImage(sprite, p.x - r, p.y - r);
      });
      // alpha (density) → a sequential yellow-to-dark-red ramp (readable with colour blindness)
      var lut = this._lut || (this._lut = (function () {
        var c = document.createElement("canvas");
        c.width = 256; c.height = 1;
        var x = c.getContext("2d"), g = x.createLinearGradient(0, 0, 256, 0);
        ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"].forEach(function (col, k) {
          g.addColorStop(k / 4, col);
        });
        x.fillStyle = g;
        x.fillRect(0, 0, 256, 1);
        return x.getImageData(0, 0, 256, 1).data;
      })());
      if (!size.x || !size.y) return;
      var img = ctx.getImageData(0, 0, size.x, size.y), px = img.data;
      for (var k = 3; k < px.length; k += 4) {
        var a = px[k];
        if (!a) continue;
        px[k - 3] = lut[a * 4]; px[k - 2] = lut[a * 4 + 1]; px[k - 1] = lut[a * 4 + 2];
        px[k] = Math.min(230, 60 + a);
      }
      ctx.putImageData(img, 0, 0);
    },
  });
  A.heat = function (group) { group.addLayer(new HeatLayer()); };

  // ------------------------------------------------------------------ labels and admin lines
  /* Oblast and raion outlines (one static GeoJSON): raions only from zoom 8. */
  A.admin = function (map, group, url) {
    fetch(url).then(function (r) { return r.json(); }).then(function (gj) {
      var raions = L.geoJSON(null, { interactive: false,
        style: { color: "#8c8c8c", weight: 0.6, dashArray: "2 3", fill: false } });
      var oblasts = L.geoJSON(null, { interactive: false,
        style: { color: "#6b6b6b", weight: 1.2, fill: false } });
      gj.features.forEach(function (f) {
        (f.properties.level === 1 ? oblasts : raions).addData(f);
      });
      group.addLayer(oblasts);
      var sync = function () {
        var want = map.getZoom() >= 8;
        if (want && !group.hasLayer(raions)) group.addLayer(raions);
        if (!want && group.hasLayer(raions)) group.removeLayer(raions);
      };
      map.on("zoomend", sync);
      sync();
    });
  };

  /* Place names by zoom, largest first, never overlapping: [name, lat, lon, minzoom, maxzoom,
   * kind] rows from a static JSON file. */
  A.labels = function (map, group, url) {
    if (!map.getPane("mapAppLabels")) {
      var pane = map.createPane("mapAppLabels");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";
    }
    fetch(url).then(function (r) { return r.json(); }).then(function (rows) {
      var draw = function () {
        group.clearLayers();
        var z = map.getZoom(), b = map.getBounds().pad(0.05), boxes = [], n = 0;
        for (var i = 0; i < rows.length && n < 150; i++) {
          var r = rows[i];
          if (z < r[3] || z > r[4] || !b.contains([r[1], r[2]])) continue;
          var p = map.latLngToContainerPoint([r[1], r[2]]);
          var w = r[0].length * (r[5] === "region" ? 7.5 : 6.6) + 8, h = 15;
          // settlements: a dot and the name to its right; areas and seas: centred
          // with a margin: a map packed with names is as hard to read as one without
          var box = r[5] === "city" || r[5] === "town" ? [p.x - 8, p.y - 12, p.x + w + 6, p.y + 12]
            : [p.x - w / 2 - 6, p.y - 12, p.x + w / 2 + 6, p.y + 12];
          var clash = false;
          for (var k = 0; k < boxes.length && !clash; k++) {
            var o = boxes[k];
            clash = box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3];
          }
          if (clash) continue;
          boxes.push(box);
          n++;
          group.addLayer(L.marker([r[1], r[2]], { pane: "mapAppLabels", interactive: false,
            keyboard: false, icon: L.divIcon({ className: "map-app-label map-app-label-" + r[5],
              html: "<i></i><span>" + esc(r[0]) + "</span>", iconSize: null }) }));
        }
      };
      map.on("moveend", draw);
      draw();
    });
  };

  // ------------------------------------------------------------------ legend
  A.legend = function (map, html) {
    var C = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var d = L.DomUtil.create("div", "map-app-legend leaflet-bar");
        d.id = "map-app-legend";
        d.innerHTML = html;
        L.DomEvent.disableClickPropagation(d);
        L.DomEvent.disableScrollPropagation(d);
        var head = d.querySelector(".map-app-legend-head");
        if (head) {
          head.addEventListener("click", function () {
            d.classList.toggle("map-app-folded");
          });
        }
        // on a small map the legend is folded: it would cover a third of it
        var small = function () { return map.getSize().y < 500 || map.getSize().x < 900; };
        if (small()) d.classList.add("map-app-folded");
        map.on("resize", function () { if (small()) d.classList.add("map-app-folded"); });
        // a popup that would open under the legend folds it, until the popup closes
        var auto = false;
        var clear = function () {
          var p = document.querySelector(".leaflet-popup-content-wrapper");
          if (!p || d.classList.contains("map-app-folded")) return;
          var a = p.getBoundingClientRect(), b = d.getBoundingClientRect();
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
            d.classList.add("map-app-folded");
            auto = true;
          }
        };
        map.on("popupopen moveend resize", clear);
        map.on("popupclose", function () {
          if (auto && !small()) d.classList.remove("map-app-folded");
          auto = false;
        });
        return d;
      },
    });
    // after the page's layer control: below it, pushed down when it opens
    setTimeout(function () { new C().addTo(map); }, 0);
  };

  // ------------------------------------------------------------------ timeline
  /* A daily histogram of the incidents by family under the map, the shown range shaded, a
   * cursor on the playback day, and play/step buttons. */
  // the buttons' glyphs as SVG: icon fonts and emoji may be missing on the user's machine
  var ICONS = { play: "M6 4L16 10L6 16z", pause: "M5 4H8.5V16H5zM11.5 4H15V16H11.5z",
                back: "M4 4H6V16H4zM16 4L7 10L16 16z", next: "M14 4H16V16H14zM4 4L13 10L4 16z" };
  function svgIcon(k) {
    return "<svg viewBox='0 0 20 20' width='14' height='14'><path d='" + ICONS[k] +
      "' fill='#333'/></svg>";
  }

  A.timeline = function (map) {
    // every incident: the markers and each incident of a region's outline
    var events = S.items.filter(function (it) { return it.role === "incident"; })
      .map(function (it) { return { day: it.day, family: it.family, type: it.type }; });
    S.areas.forEach(function (a) {
      a.days.forEach(function (d, k) {
        events.push({ day: d, family: a.family, type: (a.types || [])[k] });
      });
    });
    var days = events.filter(function (e) { return e.day != null; })
      .map(function (e) { return e.day; });
    if (!days.length) return;
    var d0 = Math.min.apply(null, days), d1 = Math.max.apply(null, days);
    // a few days of news still get a readable axis: at least two weeks, centred
    if (d1 - d0 < 13) { d0 -= Math.floor((13 - (d1 - d0)) / 2); d1 = d0 + 13; }
    var nd = d1 - d0 + 1, fams = Object.keys(S.opts.familyColours);
    var box = L.DomUtil.create("div", "map-app-timeline", map.getContainer());
    box.id = "map-app-timeline";
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    // the play button's icon is redrawn on click: Leaflet's own check would then miss
    // that the click began here, and the app would take it for a click on the map
    L.DomEvent.on(box, "click", L.DomEvent.stopPropagation);
    map.getContainer().classList.add("map-app-has-timeline");
    box.innerHTML = "<button class='map-app-back' title='Previous day'>" + svgIcon("back") +
      "</button><button class='map-app-play' title='Play: step through the days'>" +
      svgIcon("play") + "</button><button class='map-app-next' title='Next day'>" +
      svgIcon("next") + "</button>" +
      "<div class='map-app-hist'><svg preserveAspectRatio='none'></svg></div>" +
      "<div class='map-app-when'></div>";
    var svg = box.querySelector(".map-app-hist svg"), when = box.querySelector(".map-app-when");
    var NS = "http://www.w3.org/2000/svg";
    var counts = {}, types = {};
    events.forEach(function (e) {
      if (e.day == null) return;
      var k = e.day - d0;
      counts[k] = counts[k] || {};
      counts[k][e.family] = (counts[k][e.family] || 0) + 1;
      types[k] = types[k] || {};
      types[k][e.type || ""] = (types[k][e.type || ""] || 0) + 1;
    });
    var peak = 1;
    Object.keys(counts).forEach(function (k) {
      var t = 0;
      for (var f in counts[k]) t += counts[k][f];
      peak = Math.max(peak, t);
    });
    svg.setAttribute("viewBox", "0 0 " + nd + " 100");
    var shade = document.createElementNS(NS, "rect");
    shade.setAttribute("class", "map-app-range");
    shade.setAttribute("y", 0);
    shade.setAttribute("height", 100);
    svg.appendChild(shade);
    Object.keys(counts).forEach(function (k) {
      var y = 100;
      fams.concat([null]).forEach(function (f) {
        var c = counts[k][f];
        if (!c) return;
        var h = c / peak * 92, r = document.createElementNS(NS, "rect");
        y -= h;
        r.setAttribute("x", +k);
        r.setAttribute("width", 0.86);
        r.setAttribute("y", y);
        r.setAttribute("height", h);
        r.setAttribute("fill", S.opts.familyColours[f] || "#888");
        svg.appendChild(r);
      });
    });
    // hovering a day names its events by type
    Object.keys(types).forEach(function (k) {
      var hit = document.createElementNS(NS, "rect"), t = document.createElementNS(NS, "title");
      var n = 0, parts = Object.keys(types[k]).sort(function (a, b) {
        return types[k][b] - types[k][a];
      }).map(function (et) {
        n += types[k][et];
        return (S.opts.labels[et] || et || "other") + " " + types[k][et];
      });
      hit.setAttribute("x", +k);
      hit.setAttribute("width", 1);
      hit.setAttribute("y", 0);
      hit.setAttribute("height", 100);
      hit.setAttribute("class", "map-app-day");
      t.textContent = dayText(d0 + +k) + ": " + n + (n === 1 ? " incident: " : " incidents: ") +
        parts.join(", ");
      hit.appendChild(t);
      svg.appendChild(hit);
    });
    var cursor = document.createElementNS(NS, "rect");
    cursor.setAttribute("class", "map-app-cursor");
    cursor.setAttribute("y", 0);
    cursor.setAttribute("height", 100);
    cursor.setAttribute("width", Math.max(0.86, nd / 300));
    svg.appendChild(cursor);

    var lo = function () { return Math.max(d0, S.lo == null ? d0 : S.lo); };
    var hi = function () { return Math.min(d1, S.hi == null ? d1 : S.hi); };
    A.timelineUpdate = function () {
      shade.setAttribute("x", lo() - d0);
      shade.setAttribute("width", Math.max(0, hi() - lo() + 1));
      cursor.style.display = S.play == null ? "none" : "";
      if (S.play != null) cursor.setAttribute("x", S.play - d0);
      var n = 0;
      S.items.forEach(function (it) { if (it.shown && it.role === "incident") n++; });
      S.areas.forEach(function (a) { n += a.days.filter(visible).length; });
      when.innerHTML = "<span>" + (S.play == null ? dayText(lo()) + " – " + dayText(hi())
        : "up to " + dayText(S.play)) + "</span><span class='map-app-count'>" + n +
        (n === 1 ? " incident" : " incidents") + "</span>";
      box.querySelector(".map-app-play").innerHTML = svgIcon(S.timer ? "pause" : "play");
    };
    A.step = function (k) {
      var p = S.play == null ? (k > 0 ? lo() : hi()) : S.play + k;
      if (p > hi()) p = hi();
      if (p < lo()) p = lo();
      S.play = p;
      A.apply();
      return p;
    };
    A.stop = function () {
      if (S.timer) clearInterval(S.timer);
      S.timer = null;
      if (A.timelineUpdate) A.timelineUpdate();
    };
    A.play = function (ms) {
      if (S.timer) return A.stop();
      if (S.play == null || S.play >= hi()) { S.play = lo() - 1; }
      S.timer = setInterval(function () {
        if (S.play >= hi()) { A.stop(); return; }
        A.step(1);
      }, ms || 700);
      A.step(1);
    };
    box.querySelector(".map-app-play").addEventListener("click", function () { A.play(); });
    box.querySelector(".map-app-back").addEventListener("click", function () { A.stop(); A.step(-1); });
    box.querySelector(".map-app-next").addEventListener("click", function () { A.stop(); A.step(1); });
    // a click on the histogram moves the playback day there; a double click shows all again
    svg.addEventListener("click", function (e) {
      var rc = svg.getBoundingClientRect();
      A.stop();
      S.play = Math.min(hi(), Math.max(lo(), d0 + Math.floor((e.clientX - rc.left) / rc.width * nd)));
      A.apply();
    });
    svg.addEventListener("dblclick", function () { A.stop(); S.play = null; A.apply(); });
    A.timelineUpdate();
  };

  A.finish = function (map, style) {
    S.map = map;
    S.opts = S.opts || style;  // a map of region outlines only has had no places to give it
    var fams = (S.opts && S.opts.familyColours) || {};
    S.areas.forEach(function (a) {
      for (var f in fams) if (fams[f] === a.layer.options.color) a.family = f;
    });
    A.timeline(map);
    A.ready = true;
  };
})();
