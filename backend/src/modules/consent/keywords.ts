// STOP/START keywords: the defaults in several languages, how a customer's message is matched
// against a tenant's lists (the whole message, ignoring case, accents and a closing punctuation
// mark), and the reply in the keyword's language.
import type { ConsentAction } from './consent.models.ts';

export interface Keyword {
  keyword: string;
  /** A language code (en, es, de, fr, pt, …): the acknowledgement is sent in it. */
  language: string;
}

export interface ConsentSettingsView {
  optOutKeywords: Keyword[];
  optInKeywords: Keyword[];
  optOutReplies: Record<string, string>;
  optInReplies: Record<string, string>;
  /** True while the tenant has not saved its own settings. */
  isDefault: boolean;
}

const k = (language: string, ...words: string[]): Keyword[] => words.map((keyword) => ({ keyword, language }));

export const DEFAULT_SETTINGS: Omit<ConsentSettingsView, 'isDefault'> = {
  optOutKeywords: [
    ...k('en', 'STOP', 'UNSUBSCRIBE', 'STOP ALL', 'OPT OUT'),
    ...k('es', 'BAJA', 'ALTO', 'DARSE DE BAJA'),
    ...k('de', 'STOPP', 'ABMELDEN'),
    ...k('fr', 'ARRET', 'ARRÊT', 'DESINSCRIRE', 'DÉSINSCRIRE'),
    ...k('pt', 'PARAR', 'SAIR', 'CANCELAR'),
    ...k('it', 'ANNULLA', 'DISISCRIVIMI'),
  ],
  optInKeywords: [
    ...k('en', 'START', 'SUBSCRIBE', 'UNSTOP'),
    ...k('es', 'ALTA'),
    ...k('de', 'ANMELDEN'),
    ...k('fr', 'DEMARRER', 'DÉMARRER'),
    ...k('pt', 'INICIAR'),
    ...k('it', 'ISCRIVIMI'),
  ],
  optOutReplies: {
    en: 'You have been unsubscribed and will no longer receive marketing messages from us. Reply START to subscribe again.',
    es: 'Te has dado de baja y ya no recibirás mensajes promocionales. Responde ALTA para volver a suscribirte.',
    de: 'Du wurdest abgemeldet und erhältst keine Werbenachrichten mehr von uns. Antworte ANMELDEN, um dich wieder anzumelden.',
    fr: 'Vous êtes désinscrit(e) et ne recevrez plus nos messages promotionnels. Répondez DEMARRER pour vous réinscrire.',
    pt: 'Você foi descadastrado e não receberá mais mensagens promocionais. Responda INICIAR para se inscrever novamente.',
    it: 'Sei stato disiscritto e non riceverai più messaggi promozionali. Rispondi ISCRIVIMI per iscriverti di nuovo.',
  },
  optInReplies: {
    en: 'You are subscribed again. Reply STOP at any time to unsubscribe.',
    es: 'Te has suscrito de nuevo. Responde BAJA en cualquier momento para darte de baja.',
    de: 'Du bist wieder angemeldet. Antworte STOPP, um dich jederzeit abzumelden.',
    fr: 'Vous êtes de nouveau inscrit(e). Répondez ARRET à tout moment pour vous désinscrire.',
    pt: 'Você está inscrito novamente. Responda PARAR a qualquer momento para cancelar.',
    it: 'Sei di nuovo iscritto. Rispondi ANNULLA in qualsiasi momento per disiscriverti.',
  },
};

/** Case-, accent- and spacing-insensitive form of a message or keyword; a closing . ! or ? is ignored. */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[¡¿"'«]+|[.!?"'»]+$/g, '')
    .trim();
}

export interface KeywordMatch {
  action: ConsentAction;
  keyword: string;
  language: string;
}

/** The keyword the whole message is, if any (opt-out lists are checked first). */
export function matchKeyword(
  settings: Pick<ConsentSettingsView, 'optOutKeywords' | 'optInKeywords'>,
  text: string,
): KeywordMatch | null {
  const said = normaliseKeyword(text);
  if (!said) return null;
  for (const [action, list] of [
    ['opt_out', settings.optOutKeywords],
    ['opt_in', settings.optInKeywords],
  ] as const) {
    const hit = list.find((kw) => normaliseKeyword(kw.keyword) === said);
    if (hit) return { action, keyword: hit.keyword, language: hit.language };
  }
  return null;
}

/** The acknowledgement in the keyword's language, else English, else any the tenant wrote. */
export function replyFor(
  settings: Pick<ConsentSettingsView, 'optOutReplies' | 'optInReplies'>,
  action: string,
  language: string,
) {
  const replies = action === 'opt_out' ? settings.optOutReplies : settings.optInReplies;
  const base = language.split(/[-_]/)[0];
  return replies[language] ?? replies[base] ?? replies.en ?? Object.values(replies)[0] ?? null;
}
