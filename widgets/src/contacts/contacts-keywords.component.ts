import { html, nothing } from 'lit';
import { Task } from '@lit/task';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ContactsPart } from './contacts-part.ts';
import { ui, errorMessage } from '../shared/ui.styles.ts';
import { styles } from './contacts.styles.ts';
import { LANGUAGES, LANGUAGE_CODE, languageLabel, type ConsentKeyword, type ConsentSettings } from './contacts.types.ts';

type Kind = 'out' | 'in';

interface Draft {
  out: ConsentKeyword[];
  in: ConsentKeyword[];
  outReplies: Record<string, string>;
  inReplies: Record<string, string>;
}

const WORDS: Record<Kind, { title: string; help: string; reply: string; one: string }> = {
  out: {
    title: 'Opt-out keywords',
    help: 'A customer who sends one of these (the whole message, any case or accents) is opted out of marketing.',
    reply: 'Reply after opting out',
    one: 'opt-out',
  },
  in: {
    title: 'Opt-in keywords',
    help: 'A customer who sends one of these is opted in again.',
    reply: 'Reply after opting in',
    one: 'opt-in',
  },
};

const draftOf = (s: ConsentSettings): Draft => ({
  out: s.optOutKeywords.map((k) => ({ ...k })),
  in: s.optInKeywords.map((k) => ({ ...k })),
  outReplies: { ...s.optOutReplies },
  inReplies: { ...s.optInReplies },
});

/** The languages the keywords use, then any that only have a reply, in first-seen order. */
function languagesOf(d: Draft): string[] {
  const seen = new Set<string>();
  for (const k of [...d.out, ...d.in]) if (LANGUAGE_CODE.test(k.language.trim())) seen.add(k.language.trim());
  for (const l of [...Object.keys(d.outReplies), ...Object.keys(d.inReplies)]) seen.add(l);
  return [...seen];
}

/**
 * The STOP/START keywords that record a customer's consent from a WhatsApp message, each with the
 * language its acknowledgement is sent in, and the acknowledgement per language for each action
 * (GET/PUT /api/v1/consent/settings). The server's refusals (a keyword in both lists…) are shown
 * above the form.
 *
 * @tag wa-contacts-keywords
 * @event contacts-back - Back to the list.
 * @csspart keywords - The view's frame.
 */
export class WaContactsKeywords extends ContactsPart {
  static override styles = [ContactsPart.styles, ui, styles];
  static override properties = {
    ...ContactsPart.properties,
    _draft: { state: true },
    _isDefault: { state: true },
    _error: { state: true },
    _invalid: { state: true },
    _saving: { state: true },
    _dirty: { state: true },
  };

  declare _draft: Draft | null;
  declare _isDefault: boolean;
  declare _error: string | null;
  /** The id of the input the last check found wrong. */
  declare _invalid: string | null;
  declare _saving: boolean;
  declare _dirty: boolean;

  constructor() {
    super();
    this._draft = null;
    this._isDefault = false;
    this._error = null;
    this._invalid = null;
    this._saving = false;
    this._dirty = false;
  }

  #load = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return null;
      const s = await api.get<ConsentSettings>('/api/v1/consent/settings', { signal });
      this.#reset(s);
      return s;
    },
    args: () => [this.api] as const,
  });

  #reset(s: ConsentSettings) {
    this._draft = draftOf(s);
    this._isDefault = !!s.isDefault;
    this._dirty = false;
    this._error = null;
    this._invalid = null;
  }

  /** Focuses the heading (after navigating here). */
  focusFirst() {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h3')?.focus());
  }

  #edit(fn: (d: Draft) => void) {
    if (!this._draft) return;
    const d: Draft = {
      out: this._draft.out.map((k) => ({ ...k })),
      in: this._draft.in.map((k) => ({ ...k })),
      outReplies: { ...this._draft.outReplies },
      inReplies: { ...this._draft.inReplies },
    };
    fn(d);
    this._draft = d;
    this._dirty = true;
  }

  #addKeyword(kind: Kind) {
    const list = this._draft?.[kind] ?? [];
    const language = list.at(-1)?.language ?? 'en';
    this.#edit((d) => d[kind].push({ keyword: '', language }));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`#kw-${kind}-${list.length}`)?.focus());
  }

  #removeKeyword(kind: Kind, i: number) {
    const word = this._draft?.[kind][i]?.keyword.trim();
    this.#edit((d) => d[kind].splice(i, 1));
    if (word) this.toast(`Keyword “${word}” removed. Save to keep the change.`, 'info');
    void this.updateComplete.then(() => {
      const next =
        this.renderRoot.querySelector<HTMLElement>(`#kw-${kind}-${i}`) ??
        this.renderRoot.querySelector<HTMLElement>(`#kw-${kind}-${i - 1}`) ??
        this.renderRoot.querySelector<HTMLElement>(`#add-${kind}`);
      next?.focus();
    });
  }

  /** What the PUT sends, or a problem and the input it is about. */
  #body(): { body: Omit<ConsentSettings, 'isDefault'> } | { problem: string; input: string } {
    const d = this._draft!;
    const lists: Record<Kind, ConsentKeyword[]> = { out: [], in: [] };
    for (const kind of ['out', 'in'] as const) {
      for (const [i, k] of d[kind].entries()) {
        const keyword = k.keyword.trim();
        const language = k.language.trim();
        if (!keyword) continue;
        if (!LANGUAGE_CODE.test(language)) {
          return { problem: `“${keyword}” needs a language code such as en, es, de or pt_BR.`, input: `lang-${kind}-${i}` };
        }
        lists[kind].push({ keyword, language });
      }
    }
    const replies = (r: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(r)
          .map(([l, text]) => [l, text.trim()] as const)
          .filter(([, text]) => text),
      );
    return {
      body: {
        optOutKeywords: lists.out,
        optInKeywords: lists.in,
        optOutReplies: replies(d.outReplies),
        optInReplies: replies(d.inReplies),
      },
    };
  }

  async #save(e: SubmitEvent) {
    e.preventDefault();
    const api = this.api;
    if (!api || !this._draft || this._saving) return;
    const r = this.#body();
    if ('problem' in r) {
      this._error = r.problem;
      this._invalid = r.input;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${r.input}`)?.focus());
      return;
    }
    this._saving = true;
    this._error = null;
    this._invalid = null;
    try {
      this.#reset(await api.put<ConsentSettings>('/api/v1/consent/settings', r.body));
      this.toast('Consent keywords saved.', 'success');
    } catch (err) {
      this._error = errorMessage(err);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.form-error')?.focus());
    } finally {
      this._saving = false;
    }
  }

  override render() {
    const t = ifDefined(this.theme);
    return html`<div class="settings" part="keywords">
      <button type="button" class="btn small ghost back" @click=${() => this.emit('contacts-back')}>← Back to contacts</button>
      <h3 tabindex="-1">Consent keywords</h3>
      <p class="muted">
        Customers can opt out of marketing messages, or back in, by sending a keyword. Each keyword has a language: the reply is
        sent in it.
      </p>
      ${
        this._draft
          ? this.#form(this._draft)
          : this.#load.render({
              initial: () => html`<wa-skeleton theme=${t} lines="6" label="Loading keywords"></wa-skeleton>`,
              pending: () => html`<wa-skeleton theme=${t} lines="6" label="Loading keywords"></wa-skeleton>`,
              complete: () => nothing,
              error: (e) =>
                html`<wa-error-state
                  theme=${t}
                  heading="Couldn't load the consent keywords"
                  .error=${e}
                  @wa-retry=${() => this.#load.run()}
                ></wa-error-state>`,
            })
      }
    </div>`;
  }

  #form(d: Draft) {
    const langs = languagesOf(d);
    return html`<form @submit=${this.#save} novalidate>
      ${this._isDefault ? html`<p class="help">These are the defaults. Saving makes them this workspace's own.</p>` : nothing}
      ${this._error ? html`<div class="form-error" role="alert" tabindex="-1">${this._error}</div>` : nothing}
      <datalist id="languages">${LANGUAGES.map(([code, name]) => html`<option value=${code}>${name}</option>`)}</datalist>
      <div class="keyword-grid">${this.#list('out', d.out)} ${this.#list('in', d.in)}</div>
      <section class="card" aria-labelledby="replies-title">
        <h4 id="replies-title">Replies</h4>
        <p class="help">
          Sent after a keyword in its language; a language without a reply gets the English one. Leave a reply empty to use that
          fallback.
        </p>
        ${
          langs.length
            ? langs.map(
                (l) =>
                  html`<fieldset class="reply-lang">
                    <legend>${languageLabel(l)} <span class="mono muted">(${l})</span></legend>
                    <div class="form-row">
                      ${(['out', 'in'] as const).map((kind) => {
                        const key = kind === 'out' ? 'outReplies' : 'inReplies';
                        const id = `reply-${kind}-${l}`;
                        return html`<div class="field">
                          <label for=${id}>${WORDS[kind].reply} (${l})</label>
                          <textarea
                            id=${id}
                            rows="3"
                            maxlength="1024"
                            .value=${d[key][l] ?? ''}
                            @input=${(e: Event) => this.#edit((x) => (x[key][l] = (e.target as HTMLTextAreaElement).value))}
                          ></textarea>
                        </div>`;
                      })}
                    </div>
                  </fieldset>`,
              )
            : html`<p class="muted">Add a keyword to write its reply.</p>`
        }
      </section>
      <div class="actions">
        <button type="button" class="btn" ?disabled=${!this._dirty || this._saving} @click=${() => void this.#load.run()}>
          Discard changes
        </button>
        <button type="submit" class="btn primary" ?disabled=${this._saving}>${this._saving ? 'Saving…' : 'Save keywords'}</button>
      </div>
    </form>`;
  }

  #list(kind: Kind, items: ConsentKeyword[]) {
    const w = WORDS[kind];
    return html`<section class="card" aria-labelledby="kw-title-${kind}">
      <h4 id="kw-title-${kind}">${w.title}</h4>
      <p class="help">${w.help}</p>
      ${
        items.length
          ? html`<ul class="keywords" aria-label=${w.title}>
              ${items.map(
                (k, i) =>
                  html`<li class="keyword-row">
                    <div class="field">
                      <label for="kw-${kind}-${i}">Keyword</label>
                      <input
                        id="kw-${kind}-${i}"
                        .value=${k.keyword}
                        maxlength="40"
                        autocomplete="off"
                        @input=${(e: Event) => this.#edit((d) => (d[kind][i].keyword = (e.target as HTMLInputElement).value))}
                      />
                    </div>
                    <div class="field lang">
                      <label for="lang-${kind}-${i}">Language</label>
                      <input
                        id="lang-${kind}-${i}"
                        class="mono"
                        list="languages"
                        .value=${k.language}
                        maxlength="10"
                        autocomplete="off"
                        spellcheck="false"
                        aria-invalid=${this._invalid === `lang-${kind}-${i}` ? 'true' : 'false'}
                        @input=${(e: Event) => this.#edit((d) => (d[kind][i].language = (e.target as HTMLInputElement).value))}
                      />
                    </div>
                    <button
                      type="button"
                      class="chip-x"
                      aria-label="Remove ${w.one} keyword ${k.keyword || i + 1}"
                      @click=${() => this.#removeKeyword(kind, i)}
                    >
                      ×
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p class="muted">No ${w.one} keywords: messages never change consent this way.</p>`
      }
      <button type="button" id="add-${kind}" class="btn small" @click=${() => this.#addKeyword(kind)}>
        Add ${w.one} keyword
      </button>
    </section>`;
  }
}
