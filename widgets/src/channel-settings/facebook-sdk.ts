// Loads Meta's JavaScript SDK on demand, only when someone starts Embedded Signup: a page that never
// connects a number never talks to connect.facebook.net. One script tag per page, however many
// widgets ask.

export const FACEBOOK_SDK_URL = 'https://connect.facebook.net/en_US/sdk.js';

export interface FacebookLoginResponse {
  status?: string;
  authResponse?: { code?: string | null } | null;
}

export interface FacebookSdk {
  init(options: { appId: string; autoLogAppEvents: boolean; xfbml: boolean; version: string }): void;
  login(callback: (response: FacebookLoginResponse) => void, options: Record<string, unknown>): void;
}

type FacebookWindow = Window & { FB?: FacebookSdk; fbAsyncInit?: () => void };

const LOAD_TIMEOUT_MS = 20_000;
let loading: Promise<FacebookSdk> | null = null;

const blocked = () =>
  new Error(
    "Facebook's sign-up script could not be loaded. Check that nothing (an ad blocker, a firewall) blocks connect.facebook.net, then try again.",
  );

/** Injects the SDK once, initialises it for the platform's app and resolves with `FB`. */
export function loadFacebookSdk(appId: string, version: string): Promise<FacebookSdk> {
  const w = window as FacebookWindow;
  loading ??= new Promise<FacebookSdk>((resolve, reject) => {
    const fail = () => {
      loading = null;
      reject(blocked());
    };
    const init = () => {
      const fb = w.FB;
      if (!fb) return fail();
      fb.init({ appId, autoLogAppEvents: true, xfbml: false, version });
      resolve(fb);
    };
    // The host page may have loaded the SDK already.
    if (w.FB) return init();
    const previous = w.fbAsyncInit;
    w.fbAsyncInit = () => {
      previous?.();
      init();
    };
    const script = document.createElement('script');
    script.async = true;
    script.defer = true;
    script.crossOrigin = 'anonymous';
    script.src = FACEBOOK_SDK_URL;
    script.addEventListener('error', () => {
      script.remove();
      w.fbAsyncInit = previous;
      fail();
    });
    // Loaded but never initialised (a proxy answering with something else): do not wait forever.
    setTimeout(() => {
      if (!w.FB) fail();
    }, LOAD_TIMEOUT_MS);
    document.head.append(script);
  });
  return loading;
}
