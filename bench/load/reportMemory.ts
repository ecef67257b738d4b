/**
 * Preloaded into the gateway process by bench/load.ts (`node --expose-gc --import`): answers the
 * message "memory" over the IPC channel with process.memoryUsage(), measured just after a full
 * garbage collection, so that samples compare live heap and not how much garbage waits.
 */
process.on("message", (message) => {
  if (message !== "memory") return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ type: "memory", ...process.memoryUsage() });
});
