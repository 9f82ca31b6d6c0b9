// wrangler compiles imported .wasm files at deploy time (CompiledWasm): the import is a module, not bytes.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
