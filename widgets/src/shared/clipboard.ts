// Copying a value the user needs elsewhere (a token, a snippet, a callback URL). Clipboard access
// can be refused (permissions, insecure context, sandboxed iframe); the text is then selected so
// Ctrl+C works, and the host says so.
import type { HostBridge } from './host-bridge.ts';

/** Resolves true when the text reached the clipboard. */
export async function copyText(
  text: string,
  shown: Element | null,
  host: HostBridge | undefined,
  what = 'text',
): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (shown) getSelection()?.selectAllChildren(shown);
    host?.toast(`Copy was blocked by the browser: the ${what} is selected, press Ctrl+C.`, { kind: 'info' });
    return false;
  }
}
