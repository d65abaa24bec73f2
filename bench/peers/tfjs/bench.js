// Peer benchmark: the seed's network trained with TensorFlow.js (wasm backend) under Node, timed per epoch.
// Workload (identical in every framework of bench/peers): 60,000 random MNIST-shaped samples,
// 784-128(relu|sigmoid)-10(softmax), MSE, Adam(1e-3, 0.9, 0.999, 1e-7), no shuffling, warm-up
// epochs then timed epochs; prints one RESULT line with the median epoch time.
'use strict';

const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');

const DEFAULTS = { batch: 32, activation: 'relu', epochs: 3, warmup: 1, samples: 60000, threads: 2 };

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !(name in DEFAULTS)) {
      throw new Error(`Unknown argument '${argv[i]}'; expected one of ` +
        Object.keys(DEFAULTS).map(k => '--' + k).join(', ') + '.');
    }
    if (i + 1 >= argv.length) throw new Error(`Argument '${argv[i]}' needs a value.`);
    options[name] = argv[i + 1];
  }
  if (options.activation !== 'relu' && options.activation !== 'sigmoid') {
    throw new Error(`--activation must be 'relu' or 'sigmoid', found '${options.activation}'.`);
  }
  for (const name of ['batch', 'epochs', 'warmup', 'samples', 'threads']) {
    const text = String(options[name]);
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, found '${text}'.`);
    options[name] = Number(text);
    if (name !== 'warmup' && options[name] === 0) throw new Error(`--${name} must be at least 1, found 0.`);
  }
  return options;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));

  // The thread count must be set before the backend starts. Under Node, tfjs-backend-wasm 4.22 reports
  // no multi-thread support (its WASM_HAS_MULTITHREAD_SUPPORT flag returns false when IS_NODE), so it
  // loads the single-threaded SIMD binary whatever is asked; the RESULT line reports the threads used.
  wasm.setThreadsCount(options.threads);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed.");
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const threadsUsed = wasm.getThreadsCount();
  console.error(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, simd ${simd}, ` +
    `multithread binary ${multithread}, threads asked ${options.threads}, used ${threadsUsed}`);

  // Data: x uniform in [0,1), y one-hot of uniform labels in 0..9 (values do not affect speed).
  const x = tf.randomUniform([options.samples, 784], 0, 1, 'float32', 42);
  const labels = tf.randomUniform([options.samples], 0, 10, 'int32', 43);
  const y = tf.oneHot(labels, 10).toFloat();

  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: options.activation }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });

  console.error(`tfjs-wasm: batch ${options.batch}, ${options.activation}, ${options.samples} samples, ` +
    `warm-up ${options.warmup}, timed ${options.epochs}`);
  const times = [];
  let started = 0;
  await model.fit(x, y, {
    batchSize: options.batch,
    epochs: options.warmup + options.epochs,
    shuffle: false,
    verbose: 0,
    // Never hand control back to the event loop mid-epoch: the fastest setting for a script.
    yieldEvery: 'never',
    callbacks: {
      onEpochBegin: async () => { started = performance.now(); },
      onEpochEnd: async (epoch, logs) => {
        const seconds = (performance.now() - started) / 1000;
        console.error(`  epoch ${seconds.toFixed(4)} s, loss ${logs.loss.toFixed(5)}`);
        if (epoch >= options.warmup) times.push(seconds);
      },
    },
  });

  const mid = median(times);
  console.log(`RESULT framework=tfjs-wasm batch=${options.batch} activation=${options.activation} ` +
    `threads=${threadsUsed} median_s=${mid.toFixed(4)} min_s=${Math.min(...times).toFixed(4)} ` +
    `samples_per_s=${(options.samples / mid).toFixed(0)}`);
}

main().catch(error => {
  console.error(error && error.stack ? error.stack : error);
  process.exit(1);
});
