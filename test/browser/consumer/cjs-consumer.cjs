// A CommonJS consumer of the packed tarball (what `npm init -y` makes): require() loads the ES module
// (Node >= 20.19), and the same engine answers an import() of it.
const bg = require('blockgrad');

async function main() {
  await bg.init({ backend: 'js' });
  const model = new bg.nn.PackedMLP({ inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, rng: new bg.Rng(1) });
  const logits = await bg.noGrad(() => model.forward(bg.tensor(new Float32Array(8), [2, 4]))).data();
  const imported = await import('blockgrad');
  console.log(JSON.stringify({ backend: bg.backendName(), logits: logits.length, sameEngine: imported.backendName === bg.backendName }));
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
