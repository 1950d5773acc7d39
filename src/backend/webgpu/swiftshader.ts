// Node on Linux: Dawn needs a Vulkan loader (libvulkan.so.1) and a driver. Without a GPU, the SwiftShader
// driver that Debian's chromium package ships, with chromium's own copy of the loader, gives a software adapter.

const dir = '/usr/lib/chromium';
const swiftShaderIcd = `${dir}/vk_swiftshader_icd.json`;
const glibcNow = 0x2;
const glibcNoDelete = 0x1000; // keeps a library loaded after process.dlopen closes it (not in os.constants)
/** The variables with which a user picks Vulkan drivers; when one is set, the driver list is theirs. */
const driverVariables = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'] as const;

/** What prepareVulkan found: for an error that names what is actually missing when Dawn finds no adapter. */
export interface VulkanSetup {
  /** Where libvulkan.so.1 came from: the system's, chromium's copy, or none at all. */
  loader: 'system' | 'chromium' | 'none';
  /** The user's driver variable (`NAME=value`), left as it is, or null. */
  userDrivers: string | null;
  /** Whether chromium's SwiftShader driver was added to the driver list. */
  swiftShader: boolean;
}

/** True when dlopen loaded `path` (Node then rejects it for not being an addon). */
function dlopens(path: string, flags: number): boolean {
  try {
    process.dlopen({ exports: {} }, path, flags);
  } catch (e) {
    return String(e).includes('did not self-register');
  }
  return true;
}

/**
 * Before Dawn creates its instance (Linux; `exists` is fs.existsSync): loads chromium's Vulkan loader where
 * the system has none, whatever the driver variables say (Dawn dlopens "libvulkan.so.1", and a copy already
 * loaded answers to that name), and adds chromium's SwiftShader to the drivers unless the user chose them.
 */
export function prepareVulkan(exists: (path: string) => boolean): VulkanSetup {
  const env = process.env;
  const chosen = driverVariables.find((name) => env[name]);
  const userDrivers = chosen ? `${chosen}=${env[chosen]}` : null;
  let loader: VulkanSetup['loader'] = 'system';
  if (!dlopens('libvulkan.so.1', glibcNow)) {
    loader = exists(`${dir}/libvulkan.so.1`) && dlopens(`${dir}/libvulkan.so.1`, glibcNow | glibcNoDelete) ? 'chromium' : 'none';
  }
  const swiftShader = !userDrivers && exists(swiftShaderIcd);
  // Added, not substituted as VK_ICD_FILENAMES would: real GPUs stay visible and first.
  if (swiftShader) env.VK_ADD_DRIVER_FILES = swiftShaderIcd;
  return { loader, userDrivers, swiftShader };
}

/** Why Dawn found no adapter, from what prepareVulkan found (`exists` is fs.existsSync). */
export function noAdapterReason(setup: VulkanSetup, exists: (path: string) => boolean): string {
  if (setup.loader === 'none') {
    return `no Vulkan loader: this system has no libvulkan.so.1 and chromium's copy (${dir}/libvulkan.so.1) is not there; install a GPU's Vulkan driver with libvulkan1, or \`apt-get install chromium\` for the SwiftShader software adapter`;
  }
  if (setup.userDrivers) {
    const missing = setup.userDrivers.split('=')[1].split(':').filter((f) => f && !exists(f));
    const note = missing.length ? `: ${missing.join(', ')} does not exist` : '';
    return `Dawn found no Vulkan device with the drivers that ${setup.userDrivers} selects${note} (unset it to let blockgrad offer chromium's SwiftShader, ${swiftShaderIcd})`;
  }
  if (!setup.swiftShader) return 'Dawn found no Vulkan device; on Linux without a GPU, `apt-get install chromium` provides SwiftShader';
  return `Dawn found no Vulkan device, chromium's SwiftShader (${swiftShaderIcd}) included`;
}
