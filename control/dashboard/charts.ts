/**
 * @module
 * Inline SVG charts for the dashboard (no chart library): horizontal bars with labels, lines
 * over time, rates with their confidence intervals, and a progress bar. Values are escaped by `hono/html`; sizes are plain numbers.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface Bar {
  label: string;
  value: number;
  /** Shown at the bar's end (the value when absent). */
  text?: string;
  color?: string;
}

export function barChart(title: string, bars: readonly Bar[], width = 360): Html {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 22;
  const labelW = 110;
  const h = bars.length * row + 24;
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg role="img" aria-label="${title}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}">
      ${bars.map((b, i) => {
        const w = Math.round(((width - labelW - 60) * b.value) / max);
        const y = i * row + 4;
        return html`<text x="0" y="${y + 14}" class="lbl">${b.label}</text>
          <rect
            x="${labelW}"
            y="${y}"
            width="${Math.max(w, 1)}"
            height="16"
            rx="3"
            fill="${b.color ?? "#3b82f6"}"
          ></rect>
          <text x="${labelW + w + 6}" y="${y + 13}" class="val">${b.text ?? String(b.value)}</text>`;
      })}
    </svg>
  </figure>`;
}

const PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#06b6d4"];

/** One line per series on a shared y scale, newest point on the right. */
export function lineChart(title: string, series: readonly { name: string; points: number[] }[], width = 420): Html {
  const h = 120;
  const pad = 4;
  const max = Math.max(1, ...series.flatMap((s) => s.points));
  const n = Math.max(2, ...series.map((s) => s.points.length));
  const x = (i: number) => pad + ((width - 2 * pad) * i) / (n - 1);
  const y = (v: number) => h - pad - ((h - 2 * pad) * v) / max;
  return html`<figure class="chart">
    <figcaption>${title} <span class="muted">(max ${max.toFixed(1)})</span></figcaption>
    <svg role="img" aria-label="${title}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}">
      <rect width="${width}" height="${h}" fill="#f9fafb" stroke="#e5e7eb"></rect>
      ${series.map((s, k) => {
        const offset = n - s.points.length;
        const pts = s.points.map((v, i) => `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
        return html`<polyline
          points="${pts}"
          fill="none"
          stroke="${PALETTE[k % PALETTE.length]}"
          stroke-width="2"
        ></polyline>`;
      })}
    </svg>
    <div>
      ${series.map((s, k) => html`<span class="lbl" style="color:${PALETTE[k % PALETTE.length]}">■ ${s.name}</span> `)}
    </div>
  </figure>`;
}

export interface Interval {
  label: string;
  /** A rate in [0, 1] and its interval. */
  rate: number;
  low: number;
  high: number;
  color?: string;
}

/** One row per rate on a shared 0–100% axis: the interval as a whisker, the rate as a dot. */
export function intervalChart(title: string, rows: readonly Interval[], width = 420): Html {
  const row = 24;
  const labelW = 130;
  const axis = width - labelW - 70;
  const h = rows.length * row + 24;
  const x = (v: number) => labelW + axis * Math.max(0, Math.min(1, v));
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg role="img" aria-label="${title}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}">
      <line x1="${labelW}" x2="${labelW + axis}" y1="${h - 14}" y2="${h - 14}" stroke="#e5e7eb"></line>
      <text x="${labelW}" y="${h - 2}" class="lbl">0%</text>
      <text x="${labelW + axis - 24}" y="${h - 2}" class="lbl">100%</text>
      ${rows.map((r, i) => {
        const y = i * row + 12;
        const color = r.color ?? PALETTE[i % PALETTE.length];
        return html`<text x="0" y="${y + 4}" class="lbl">${r.label}</text>
          <line x1="${x(r.low)}" x2="${x(r.high)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="3"></line>
          <circle cx="${x(r.rate)}" cy="${y}" r="5" fill="${color}"></circle>
          <text x="${labelW + axis + 8}" y="${y + 4}" class="val">${(r.rate * 100).toFixed(1)}%</text>`;
      })}
    </svg>
  </figure>`;
}

export function progress(percent: number, color = "#f59e0b"): Html {
  const p = Math.max(0, Math.min(100, percent));
  return html`<svg role="img" aria-label="${p}%" width="120" height="12" viewBox="0 0 120 12">
    <rect width="120" height="12" rx="6" fill="#e5e7eb"></rect>
    <rect width="${(120 * p) / 100}" height="12" rx="6" fill="${color}"></rect>
  </svg>`;
}
