#!/usr/bin/env node
'use strict';
// Draws the extension's icon (images/icon.png, 128×128, the size the Marketplace asks for) with nothing
// but Node: a shield in Rust's orange on a dark rounded square, with a check mark, each shape a signed
// distance function sampled 4×4 times per pixel for smooth edges. Usage: node scripts/make-icon.js
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 128;
const SAMPLES = 4;

/** Distance from p to the segment a–b. */
function segment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Negative inside a square of half-size h centred at c, with corners of radius r. */
function roundedSquare(x, y, c, h, r) {
  const qx = Math.abs(x - c) - h + r;
  const qy = Math.abs(y - c) - h + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Inside the shield: a flat top with rounded shoulders, sides curving down to a point. */
function inShield(x, y) {
  const top = 26;
  const bottom = 108;
  if (y < top || y > bottom) return false;
  const t = (y - top) / (bottom - top);
  // Half-width: full for the upper part, then narrowing along a curve to the point.
  const half = t < 0.45 ? 38 : 38 * Math.sqrt(Math.max(0, 1 - ((t - 0.45) / 0.55) ** 1.6));
  if (t < 0.08 && Math.abs(x - 64) > half - 8 + Math.sqrt(Math.max(0, 64 - ((0.08 - t) * 100) ** 2))) return false;
  return Math.abs(x - 64) <= half;
}

const BACKGROUND = [0x1f, 0x23, 0x28];
const SHIELD = [0xde, 0x7a, 0x3c];
const MARK = [0xff, 0xff, 0xff];

function colorAt(x, y) {
  if (roundedSquare(x, y, 64, 64, 22) > 0) return null;
  let c = BACKGROUND;
  if (inShield(x, y)) c = SHIELD;
  const mark = Math.min(segment(x, y, 44, 66, 58, 80), segment(x, y, 58, 80, 86, 50));
  if (mark < 7) c = MARK;
  return c;
}

function pixels() {
  const rows = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4);
    for (let x = 0; x < SIZE; x++) {
      const sum = [0, 0, 0, 0];
      for (let i = 0; i < SAMPLES; i++)
        for (let j = 0; j < SAMPLES; j++) {
          const c = colorAt(x + (i + 0.5) / SAMPLES, y + (j + 0.5) / SAMPLES);
          if (!c) continue;
          sum[0] += c[0];
          sum[1] += c[1];
          sum[2] += c[2];
          sum[3] += 255;
        }
      const n = SAMPLES * SAMPLES;
      const covered = sum[3] / 255;
      for (let k = 0; k < 3; k++) row[1 + x * 4 + k] = covered ? Math.round(sum[k] / covered) : 0;
      row[1 + x * 4 + 3] = Math.round(sum[3] / n);
    }
    rows.push(row);
  }
  return Buffer.concat(rows);
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png() {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(pixels(), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

module.exports = { png };

if (require.main === module) {
  const out = path.join(__dirname, '..', 'images', 'icon.png');
  fs.writeFileSync(out, png());
  console.log(`${path.relative(process.cwd(), out)}  ${fs.statSync(out).size} bytes`);
}
