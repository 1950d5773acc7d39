// Node resolve hook: tfjs-core's ESM build (dist/*.js, where its gradients live) imports its own files
// without extensions, which Node's ESM resolver refuses; retry such a relative import with '.js' added.
// Plain JavaScript: Node loads hooks on its own thread, where no TypeScript loader may be registered.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const fromTfjs = context.parentURL?.includes('/node_modules/@tensorflow/') ?? false;
    if (!fromTfjs || !specifier.startsWith('.') || specifier.endsWith('.js')) throw e;
    return next(`${specifier}.js`, context);
  }
}
