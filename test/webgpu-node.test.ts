// WebGPU in Node with the Vulkan driver variables many guides suggest (issue: with VK_ICD_FILENAMES set, the
// loader preload was skipped, and a machine without the system Vulkan loader got "Dawn found no … device"
// although chromium was installed), and errors that name what is missing. Each case runs in its own Node
// process, since the Vulkan loader reads the variables once.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { noAdapterReason } from '../src/backend/webgpu/swiftshader.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Runs a module snippet against the sources in a fresh Node with extra environment; its stdout. */
async function node(code: string, env: Record<string, string>): Promise<string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^VK_(ICD_FILENAMES|DRIVER_FILES|ADD_DRIVER_FILES)$/.test(k)));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, env: { ...inherited, ...env } });
  return stdout.trim();
}

const addOnWebGPU = `
import * as bg from './src/index.ts';
try {
  await bg.init({ backend: 'webgpu' });
  const y = bg.add(bg.tensor([1, 2], [2]), bg.tensor([3, 4], [2]));
  console.log(JSON.stringify({ values: [...(await y.data())], adapter: bg.backendInfo().details.adapter }));
  (await bg.getBackend('webgpu')).dispose();
} catch (e) {
  console.log(JSON.stringify({ error: e.message }));
}`;

describe('WebGPU in Node and the Vulkan variables', () => {
  it("the issue's input: VK_ICD_FILENAMES naming chromium's SwiftShader works, with or without a system Vulkan loader", async () => {
    expect(existsSync(icd)).toBe(true); // Debian's chromium: .ci/run installs it
    const out = JSON.parse(await node(addOnWebGPU, { VK_ICD_FILENAMES: icd }));
    expect(out).toEqual({ values: [4, 6], adapter: expect.stringMatching(/swiftshader/i) });
  });

  it('VK_DRIVER_FILES, the newer name, works too', async () => {
    expect(JSON.parse(await node(addOnWebGPU, { VK_DRIVER_FILES: icd })).values).toEqual([4, 6]);
  });

  it('a driver variable naming a file that does not exist: the error names the variable and the file', async () => {
    const out = JSON.parse(await node(addOnWebGPU, { VK_ICD_FILENAMES: '/nonexistent/icd.json' }));
    expect(out.error).toBe(
      `webgpu backend: no WebGPU adapter (Dawn found no Vulkan device with the drivers that VK_ICD_FILENAMES=/nonexistent/icd.json selects: /nonexistent/icd.json does not exist (unset it to let blockgrad offer chromium's SwiftShader, ${icd}))`,
    );
  });
});

describe('the reason given when Dawn finds no adapter', () => {
  const none = () => false;
  it('no Vulkan loader at all', () => {
    expect(noAdapterReason({ loader: 'none', userDrivers: null, swiftShader: false }, none)).toMatch(
      /^no Vulkan loader: this system has no libvulkan.so.1 and chromium's copy \(\/usr\/lib\/chromium\/libvulkan.so.1\) is not there; install .* `apt-get install chromium`/,
    );
  });
  it('no GPU and no chromium', () => {
    expect(noAdapterReason({ loader: 'system', userDrivers: null, swiftShader: false }, none)).toBe(
      'Dawn found no Vulkan device; on Linux without a GPU, `apt-get install chromium` provides SwiftShader',
    );
  });
  it('drivers chosen by the user, all present', () => {
    expect(noAdapterReason({ loader: 'chromium', userDrivers: 'VK_DRIVER_FILES=/a.json:/b.json', swiftShader: false }, () => true)).toBe(
      `Dawn found no Vulkan device with the drivers that VK_DRIVER_FILES=/a.json:/b.json selects (unset it to let blockgrad offer chromium's SwiftShader, ${icd})`,
    );
  });
  it('SwiftShader offered and still no device', () => {
    expect(noAdapterReason({ loader: 'system', userDrivers: null, swiftShader: true }, none)).toBe(`Dawn found no Vulkan device, chromium's SwiftShader (${icd}) included`);
  });
});
