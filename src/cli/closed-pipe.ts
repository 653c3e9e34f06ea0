// A reader that stops early (`cozy-assess check -o json | head -c 100`, `--help | head`) closes the pipe, and the
// next write fails with EPIPE. That is the reader's choice, not a fault of the run: the rest of the output is
// dropped without a stack trace, and the run still ends with its own exit code (the verdict), not 1.
export function dropOutputWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      // Later writes fail at once (ERR_STREAM_DESTROYED, handled here) instead of queueing.
      if (!stream.destroyed) stream.destroy();
      return;
    }
    throw error;
  });
}
