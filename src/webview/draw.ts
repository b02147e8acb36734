// Canvas drawing: channel maps pixel for pixel (CSS scales them up), the histogram at device resolution,
// both in the current VS Code theme's colours.

import type { ChannelMaps } from '../protocol/engine.js';
import { base64ToBytes, histogramBars, mapToRgba } from './maps.js';

type ChannelMap = ChannelMaps['maps'][number];

/** A theme colour from VS Code's CSS variables on the body, or the fallback outside VS Code. */
function themeColor(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/** One map, one canvas pixel per value; the canvas keeps the map's aspect ratio when CSS scales it. */
export function drawMap(canvas: HTMLCanvasElement, map: ChannelMap, width: number, height: number): void {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(width, height);
  // A short map (it should never be) leaves the rest transparent rather than throwing.
  image.data.set(mapToRgba(base64ToBytes(map.data)).subarray(0, image.data.length));
  context.putImageData(image, 0, 0);
}

/** A horizontal strip of the colormap from its low end to its high end. */
export function drawColorbar(canvas: HTMLCanvasElement): void {
  const ramp = new Uint8Array(256).map((_, i) => i);
  canvas.width = 256;
  canvas.height = 1;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(256, 1);
  image.data.set(mapToRgba(ramp));
  context.putImageData(image, 0, 0);
}

/** The histogram's bars, sized to the canvas's CSS box and the screen's pixel density. */
export function drawHistogram(canvas: HTMLCanvasElement, counts: readonly number[]): void {
  const scale = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round((canvas.clientWidth || 256) * scale));
  const height = Math.max(1, Math.round((canvas.clientHeight || 64) * scale));
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.clearRect(0, 0, width, height);
  context.fillStyle = themeColor('--vscode-charts-blue', '#3794ff');
  histogramBars(counts, width, height, scale).forEach((bar, i) => {
    // A bin with a few values among millions still gets a visible sliver.
    const barHeight = counts[i]! > 0 ? Math.max(bar.height, scale) : 0;
    context.fillRect(bar.x, height - barHeight, bar.width, barHeight);
  });
  context.fillStyle = themeColor('--vscode-foreground', '#cccccc');
  context.globalAlpha = 0.4;
  context.fillRect(0, height - scale, width, scale);
  context.globalAlpha = 1;
}
