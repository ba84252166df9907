/**
 * Draws the studio's app icons (public/icons/): a layered velocity model in the studio's colour
 * map, slow layers (blue) on top, fast (red) below, with a white shot (the source) at the
 * surface. Written as an SVG and as 192/512 px PNGs (plain and maskable, whose safe zone keeps the
 * shot inside the inner 80 %), with a tiny PNG encoder on node:zlib and the engine's CRC-32.
 *
 *     npx tsx scripts/makeIcons.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/engine/io/crc32.ts';

const LAYERS: [number, string][] = [
  [0.0, '#1f3b8c'],
  [0.34, '#1f9e89'],
  [0.58, '#e3c94a'],
  [0.8, '#c8412c'],
];
const SOURCE = { x: 0.5, y: 0.24, r: 0.09 };

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function svg(): string {
  const bands = LAYERS.map(([y, c], i) => `<rect x="0" y="${y * 512}" width="512" height="${((LAYERS[i + 1]?.[0] ?? 1) - y) * 512}" fill="${c}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${bands}<circle cx="${SOURCE.x * 512}" cy="${SOURCE.y * 512}" r="${SOURCE.r * 512}" fill="#ffffff"/></svg>\n`;
}

/** RGBA pixels of the icon at `size`; `inset` shrinks the drawing towards the centre (maskable safe zone). */
function pixels(size: number, inset: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const ss = 4; // supersampling per axis, for smooth circle edges
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < ss; sy++)
        for (let sx = 0; sx < ss; sx++) {
          const u = ((x + (sx + 0.5) / ss) / size - 0.5) / (1 - inset) + 0.5;
          const v = ((y + (sy + 0.5) / ss) / size - 0.5) / (1 - inset) + 0.5;
          let c = rgb(LAYERS.filter(([top]) => top <= Math.min(Math.max(v, 0), 0.999)).at(-1)![1]);
          if ((u - SOURCE.x) ** 2 + (v - SOURCE.y) ** 2 <= SOURCE.r ** 2) c = [255, 255, 255];
          for (let k = 0; k < 3; k++) acc[k] += c[k];
        }
      const at = 4 * (y * size + x);
      for (let k = 0; k < 3; k++) px[at + k] = Math.round(acc[k] / (ss * ss));
      px[at + 3] = 255;
    }
  return px;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) Buffer.from(rgba.subarray(y * size * 4, (y + 1) * size * 4)).copy(raw, y * (size * 4 + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

const dir = (name: string) => fileURLToPath(new URL(`../public/icons/${name}`, import.meta.url));
writeFileSync(dir('icon.svg'), svg());
for (const size of [192, 512]) {
  writeFileSync(dir(`icon-${size}.png`), png(size, pixels(size, 0)));
  writeFileSync(dir(`icon-maskable-${size}.png`), png(size, pixels(size, 0.2)));
}
console.log('wrote public/icons/');
