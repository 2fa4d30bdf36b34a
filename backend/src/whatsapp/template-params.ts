// Turns an approved template's definition plus per-message values into the `components` of a template
// send and the words the customer reads. Shared by the inbox's template picker and campaigns, which
// fill the same variables per recipient.
import type { MessageTemplate, TemplateComponent } from './types.ts';

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export const TEMPLATE_VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Variable names of a template text in order of first appearance ("1", "2" or named). */
export const templateVariables = (text: unknown): string[] =>
  typeof text === 'string' ? [...new Set([...text.matchAll(TEMPLATE_VARIABLE)].map((m) => m[1]))] : [];

export type HeaderMediaFormat = 'image' | 'video' | 'document';

export interface TemplateValues {
  /** A media header: the format and the uploaded media id (and a file name for documents). */
  headerMedia?: { format: HeaderMediaFormat; id: string; filename?: string } | null;
  headerParams?: string[];
  bodyParams?: string[];
  /** One per button; empty or missing for buttons without a parameter. */
  buttonParams?: (string | null | undefined)[];
}

export interface TemplateParts {
  header: Json | undefined;
  body: Json | undefined;
  footer: Json | undefined;
  buttons: Json[];
  named: boolean;
}

export function templateParts(def: Pick<MessageTemplate, 'components' | 'parameter_format'> | undefined): TemplateParts {
  const comps = (def?.components ?? []) as Json[];
  return {
    header: comps.find((c) => c.type === 'HEADER'),
    body: comps.find((c) => c.type === 'BODY'),
    footer: comps.find((c) => c.type === 'FOOTER'),
    buttons: (comps.find((c) => c.type === 'BUTTONS')?.buttons ?? []) as Json[],
    named: def?.parameter_format === 'NAMED',
  };
}

/** The media format a template's header declares, if it is a media header. */
export function headerMediaFormat(
  def: Pick<MessageTemplate, 'components' | 'parameter_format'> | undefined,
): HeaderMediaFormat | null {
  const declared = str(templateParts(def).header?.format)?.toLowerCase();
  return declared === 'image' || declared === 'video' || declared === 'document' ? declared : null;
}

/** Replaces the template's variables in `text` by position in `values`. */
export function fillTemplateText(text: string, values: string[] | undefined): string {
  const names = templateVariables(text);
  const params = values ?? [];
  return text.replace(TEMPLATE_VARIABLE, (whole, name: string) => {
    const i = names.indexOf(name);
    return i >= 0 && params[i] !== undefined ? params[i] : whole;
  });
}

/**
 * The components of a template send. Without the definition the positional shape still works;
 * WhatsApp checks the rest. `bodyText` is null when the body's words are unknown.
 */
export function buildTemplateComponents(
  def: Pick<MessageTemplate, 'components' | 'parameter_format'> | undefined,
  v: TemplateValues,
): { components: TemplateComponent[]; bodyText: string | null } {
  const { header, body, buttons, named } = templateParts(def);
  const components: TemplateComponent[] = [];
  if (v.headerMedia) {
    const { format, id, filename } = v.headerMedia;
    const ref = format === 'document' ? { id, filename: filename ?? 'document' } : { id };
    components.push({ type: 'header', parameters: [{ type: format, [format]: ref } as never] });
  } else if (v.headerParams?.length) {
    const names = templateVariables(header?.text);
    components.push({
      type: 'header',
      parameters: v.headerParams.map((text, i) => ({
        type: 'text' as const,
        text,
        ...(named && names[i] ? { parameter_name: names[i] } : {}),
      })),
    });
  }
  const bodyNames = templateVariables(body?.text);
  if (v.bodyParams?.length) {
    components.push({
      type: 'body',
      parameters: v.bodyParams.map((text, i) => ({
        type: 'text' as const,
        text,
        ...(named && bodyNames[i] ? { parameter_name: bodyNames[i] } : {}),
      })),
    });
  }
  (v.buttonParams ?? []).forEach((value, i) => {
    if (!value) return;
    const kind = str(buttons[i]?.type) ?? 'URL';
    const index = String(i) as `${number}`;
    if (kind === 'QUICK_REPLY') {
      components.push({ type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload: value }] });
    } else if (kind === 'COPY_CODE') {
      components.push({
        type: 'button',
        sub_type: 'copy_code',
        index,
        parameters: [{ type: 'coupon_code', coupon_code: value }],
      });
    } else {
      // URL suffixes and one-time passwords (OTP buttons are url buttons on the wire).
      components.push({ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text: value }] });
    }
  });
  const bodyText = typeof body?.text === 'string' ? fillTemplateText(body.text, v.bodyParams) : null;
  return { components, bodyText };
}
