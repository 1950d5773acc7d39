// Node on Linux without a GPU: the SwiftShader Vulkan driver that Debian's chromium package ships.

const dir = '/usr/lib/chromium';
const glibcNow = 0x2;
const glibcNoDelete = 0x1000; // keeps a library loaded after process.dlopen closes it (not in os.constants)

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
 * Offers chromium's SwiftShader to the Vulkan loader, unless the environment already picks drivers.
 * Call before Dawn creates its instance; `exists` is fs.existsSync.
 */
export function offerSwiftShader(exists: (path: string) => boolean): void {
  const env = process.env;
  if (process.platform !== 'linux' || !exists(`${dir}/vk_swiftshader_icd.json`)) return;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return;
  // Added, not substituted as VK_ICD_FILENAMES would: real GPUs stay visible and first.
  env.VK_ADD_DRIVER_FILES = `${dir}/vk_swiftshader_icd.json`;
  // Dawn dlopens "libvulkan.so.1"; where the system has no Vulkan loader, chromium's copy, already loaded, answers to that name.
  if (!dlopens('libvulkan.so.1', glibcNow)) dlopens(`${dir}/libvulkan.so.1`, glibcNow | glibcNoDelete);
}
