// Message templates: validating a create request the way the Business Management API does, checking a
// template send against the approved template (132000/132012/131009), rendering the text the customer
// sees, and the few approved templates every seeded WABA starts with.
import { graphError, type GraphError } from './errors.ts';
import {
  TEMPLATE_CATEGORIES,
  type SimTemplate,
  type TemplateButton,
  type TemplateCategory,
  type TemplateComponent,
} from './state.ts';

export interface ViewButton {
  kind: 'reply' | 'list_row' | 'quick_reply' | 'url' | 'phone' | 'copy_code' | 'flow' | 'send_location' | 'catalog' | 'otp';
  title: string;
  id?: string;
  description?: string;
  payload?: string;
  url?: string;
}

/** What the simulated phone shows for one message the business sent. */
export interface MessageView {
  kind: string;
  header?: string;
  body?: string;
  footer?: string;
  media?: { kind: string; mediaId?: string; link?: string; filename?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  buttons?: ViewButton[];
  listButton?: string;
}

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export function variablesOf(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

function createError(details: string, subcode?: number): GraphError {
  return graphError(100, details, { message: 'Invalid parameter', subcode, errorData: false });
}

function authBodyText(component: TemplateComponent): string {
  const security = component.add_security_recommendation ? ' For your security, do not share this code.' : '';
  return `*{{1}}* is your verification code.${security}`;
}

export interface TemplateDraft {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
}

/** Validates POST /{waba-id}/message_templates; throws code 100 with Meta's subcodes where known. */
export function validateTemplateCreate(input: Record<string, unknown>): TemplateDraft {
  const { name, language, category, components } = input;
  const parameterFormat = input.parameter_format ?? 'POSITIONAL';
  if (typeof name !== 'string' || !name) throw createError('The parameter name is required.');
  if (!/^[a-z0-9_]{1,512}$/.test(name))
    throw createError('Template name can only contain lowercase letters, numbers and underscores.');
  if (typeof language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language))
    throw createError('The parameter language is invalid.');
  if (typeof category !== 'string' || !(TEMPLATE_CATEGORIES as readonly string[]).includes(category))
    throw createError(`Param category must be one of {${TEMPLATE_CATEGORIES.join(', ')}}.`);
  if (parameterFormat !== 'POSITIONAL' && parameterFormat !== 'NAMED')
    throw createError('Param parameter_format must be POSITIONAL or NAMED.');
  if (!Array.isArray(components) || components.length === 0) throw createError('The parameter components is required.');

  const comps = components.map((c) => {
    if (!c || typeof c !== 'object' || typeof (c as TemplateComponent).type !== 'string')
      throw createError('Each component needs a type.');
    return { ...(c as TemplateComponent), type: (c as TemplateComponent).type.toUpperCase() };
  });
  const count = (t: string) => comps.filter((c) => c.type === t).length;
  if (count('BODY') !== 1) throw createError('A template needs exactly one BODY component.', 2388047);
  if (count('HEADER') > 1 || count('FOOTER') > 1 || count('BUTTONS') > 1)
    throw createError('At most one HEADER, FOOTER and BUTTONS component.', 2388047);
  const unknown = comps.find((c) => !['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(c.type));
  if (unknown) throw createError(`Component type ${unknown.type} is not supported by the simulator.`);

  const named = parameterFormat === 'NAMED';
  for (const c of comps) {
    if (c.type === 'BODY') {
      if (category === 'AUTHENTICATION' && c.text === undefined) continue;
      if (typeof c.text !== 'string' || !c.text.trim()) throw createError('The BODY component needs text.', 2388047);
      if (c.text.length > 1024) throw createError('Body text is longer than 1024 characters.', 2388040);
      checkVariables(c.text, named, 'body');
      const vars = variablesOf(c.text);
      if (vars.length) {
        const t = c.text.trim();
        if (/^\{\{[^}]+\}\}/.test(t) || /\{\{[^}]+\}\}$/.test(t))
          throw createError('Variables can not be at the start or end of the body.', 2388299);
        const example = c.example as { body_text?: unknown; body_text_named_params?: unknown } | undefined;
        const ok = named
          ? Array.isArray(example?.body_text_named_params) && example.body_text_named_params.length === vars.length
          : Array.isArray(example?.body_text) &&
            Array.isArray(example.body_text[0]) &&
            example.body_text[0].length === vars.length;
        if (!ok) throw createError('The body has variables, so example values are required for each of them.', 2388043);
      }
    } else if (c.type === 'HEADER') {
      const format = String(c.format ?? '').toUpperCase();
      if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(format))
        throw createError('Header format must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.');
      c.format = format;
      if (format === 'TEXT') {
        if (typeof c.text !== 'string' || !c.text) throw createError('A TEXT header needs text.', 2388047);
        if (c.text.length > 60) throw createError('Header text is longer than 60 characters.', 2388040);
        if (variablesOf(c.text).length > 1) throw createError('A header can have at most one variable.', 2388047);
        checkVariables(c.text, named, 'header');
      }
    } else if (c.type === 'FOOTER') {
      if (category === 'AUTHENTICATION' && c.text === undefined) continue;
      if (typeof c.text !== 'string' || !c.text) throw createError('A FOOTER needs text.', 2388073);
      if (c.text.length > 60) throw createError('Footer text is longer than 60 characters.', 2388040);
      if (variablesOf(c.text).length) throw createError('A footer can not have variables.', 2388073);
    } else {
      checkButtons(c.buttons, category);
    }
  }
  return { name, language, category: category as TemplateCategory, parameterFormat, components: comps };
}

function checkVariables(text: string, named: boolean, where: string): void {
  const vars = variablesOf(text);
  if (named) {
    if (vars.some((v) => !/^[a-z_][a-z0-9_]*$/.test(v)))
      throw createError(`Named ${where} variables must be lowercase names like {{order_id}}.`);
    return;
  }
  vars.forEach((v, i) => {
    if (v !== String(i + 1)) throw createError(`${where} variables must be sequential: {{1}}, {{2}}, ...`, 2388047);
  });
}

function checkButtons(buttons: unknown, category: string): void {
  if (!Array.isArray(buttons) || buttons.length === 0) throw createError('A BUTTONS component needs buttons.');
  if (buttons.length > 10) throw createError('A template can have at most 10 buttons.');
  const list = buttons as TemplateButton[];
  const of = (t: string) => list.filter((b) => String(b.type).toUpperCase() === t).length;
  if (of('PHONE_NUMBER') > 1) throw createError('A template can have at most one PHONE_NUMBER button.');
  if (of('URL') > 2) throw createError('A template can have at most two URL buttons.');
  if (of('COPY_CODE') > 1 || (of('COPY_CODE') && category !== 'MARKETING'))
    throw createError('Only one COPY_CODE button, and only in MARKETING templates.');
  for (const b of list) {
    const type = String(b.type).toUpperCase();
    b.type = type;
    if (!['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'FLOW', 'OTP'].includes(type))
      throw createError(`Button type ${type} is not supported.`);
    if (type === 'OTP' && category !== 'AUTHENTICATION') throw createError('OTP buttons are only for AUTHENTICATION templates.');
    if (!['COPY_CODE', 'OTP'].includes(type) && (typeof b.text !== 'string' || !b.text))
      throw createError('Each button needs text.');
    if (typeof b.text === 'string' && b.text.length > 25) throw createError('Button text is longer than 25 characters.', 2388040);
    if (type === 'URL' && (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)))
      throw createError('A URL button needs an http(s) url.');
    if (type === 'PHONE_NUMBER' && typeof b.phone_number !== 'string')
      throw createError('A PHONE_NUMBER button needs phone_number.');
  }
}

interface SendParam {
  type: string;
  parameter_name?: string;
  [key: string]: unknown;
}
interface SendComponent {
  type: string;
  sub_type?: string;
  index?: string | number;
  parameters?: SendParam[];
}

function mismatch(details: string): GraphError {
  return graphError(132000, details);
}
function formatMismatch(details: string): GraphError {
  return graphError(132012, details);
}

/** The value a parameter contributes to the rendered text; throws 131008 when its object is missing. */
function paramValue(p: SendParam, where: string): string {
  const obj = p[p.type];
  switch (p.type) {
    case 'text':
      if (typeof p.text !== 'string' || !p.text) throw graphError(131008, `The parameter ${where}['text'] is required.`);
      return p.text;
    case 'currency':
    case 'date_time': {
      const fallback = (obj as { fallback_value?: unknown } | undefined)?.fallback_value;
      if (typeof fallback !== 'string')
        throw graphError(131008, `The parameter ${where}['${p.type}']['fallback_value'] is required.`);
      return fallback;
    }
    case 'payload':
    case 'coupon_code':
      if (typeof obj !== 'string' || !obj) throw graphError(131008, `The parameter ${where}['${p.type}'] is required.`);
      return obj;
    default:
      if (!obj || typeof obj !== 'object') throw graphError(131008, `The parameter ${where}['${p.type}'] is required.`);
      return '';
  }
}

function fill(text: string, values: Map<string, string>): string {
  return text.replace(VARIABLE, (_m, name: string) => values.get(name) ?? `{{${name}}}`);
}

export interface TemplateSendCheck {
  view: MessageView;
  /** Media ids used in a header parameter, for the caller to check against the media store. */
  mediaIds: string[];
}

/** Compares a send's components with the approved template; throws 132000 / 132012 / 131009 / 131008. */
export function checkTemplateSend(template: SimTemplate, content: { components?: SendComponent[] }): TemplateSendCheck {
  const sent = content.components ?? [];
  const named = template.parameterFormat === 'NAMED';
  const header = template.components.find((c) => c.type === 'HEADER');
  const body = template.components.find((c) => c.type === 'BODY');
  const footer = template.components.find((c) => c.type === 'FOOTER');
  const buttons = (template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? []) as TemplateButton[];
  const bodyText =
    template.category === 'AUTHENTICATION' && body && body.text === undefined ? authBodyText(body) : (body?.text ?? '');
  const view: MessageView = { kind: 'template' };
  const mediaIds: string[] = [];

  const sentOf = (t: string) => sent.filter((c) => c.type === t);
  if (sentOf('header').length > 1 || sentOf('body').length > 1)
    throw graphError(131009, 'A template message can have at most one header and one body component.');

  // Header.
  const sentHeader = sentOf('header')[0];
  const headerParams = sentHeader?.parameters ?? [];
  if (!header) {
    if (headerParams.length)
      throw mismatch(
        'header: number of localizable_params (' + headerParams.length + ') does not match the expected number of params (0)',
      );
  } else if (header.format === 'TEXT') {
    const vars = variablesOf(header.text);
    if (headerParams.length !== vars.length)
      throw mismatch(
        `header: number of localizable_params (${headerParams.length}) does not match the expected number of params (${vars.length})`,
      );
    const values = bindParams(vars, headerParams, named, 'header', ['text']);
    view.header = fill(header.text ?? '', values);
  } else {
    const expected = String(header.format).toLowerCase();
    if (headerParams.length !== 1)
      throw mismatch(`header: the template's ${expected} header needs exactly one parameter, got ${headerParams.length}`);
    const p = headerParams[0];
    if (p.type !== expected)
      throw formatMismatch(`header: expected ${expected.toUpperCase()}, received ${String(p.type).toUpperCase()}`);
    const obj = p[expected] as
      | {
          id?: string;
          link?: string;
          filename?: string;
          latitude?: unknown;
          longitude?: unknown;
          name?: string;
          address?: string;
        }
      | undefined;
    if (!obj || typeof obj !== 'object') throw graphError(131008, `The parameter header['${expected}'] is required.`);
    if (expected === 'location') {
      view.location = { latitude: Number(obj.latitude), longitude: Number(obj.longitude), name: obj.name, address: obj.address };
    } else {
      if ((obj.id === undefined) === (obj.link === undefined))
        throw graphError(131009, `Param header['${expected}'] must contain exactly one of id or link.`);
      if (obj.id) mediaIds.push(obj.id);
      view.media = { kind: expected, mediaId: obj.id, link: obj.link, filename: obj.filename };
    }
  }

  // Body.
  const vars = variablesOf(bodyText);
  const bodyParams = sentOf('body')[0]?.parameters ?? [];
  if (bodyParams.length !== vars.length)
    throw mismatch(
      `body: number of localizable_params (${bodyParams.length}) does not match the expected number of params (${vars.length})`,
    );
  view.body = fill(bodyText, bindParams(vars, bodyParams, named, 'body', ['text', 'currency', 'date_time']));
  if (footer?.text) view.footer = footer.text;
  else if (footer && typeof footer.code_expiration_minutes === 'number')
    view.footer = `This code expires in ${footer.code_expiration_minutes} minutes.`;

  // Buttons: every dynamic button needs its parameter; a parameter needs a button of the same kind.
  const byIndex = new Map<number, SendComponent>();
  for (const c of sentOf('button')) {
    const index = Number(c.index);
    if (c.index === undefined || !Number.isInteger(index)) throw graphError(131008, "The parameter button['index'] is required.");
    if (index < 0 || index >= buttons.length)
      throw graphError(131009, `Param button['index'] ${index} does not match a button of template ${template.name}.`);
    byIndex.set(index, c);
  }
  view.buttons = buttons.map((b, index) => {
    const c = byIndex.get(index);
    const param = c?.parameters?.[0];
    const expectSub =
      { QUICK_REPLY: 'quick_reply', URL: 'url', COPY_CODE: 'copy_code', FLOW: 'flow', OTP: 'url', PHONE_NUMBER: 'voice_call' }[
        b.type
      ] ?? '';
    if (c && c.sub_type !== expectSub && !(b.type === 'OTP' && c.sub_type === 'otp'))
      throw formatMismatch(`button ${index}: expected sub_type ${expectSub}, received ${String(c.sub_type)}`);
    switch (b.type) {
      case 'QUICK_REPLY': {
        const payload = param ? paramValue(param, `button[${index}]`) : undefined;
        return { kind: 'quick_reply' as const, title: b.text ?? '', payload: payload ?? b.text };
      }
      case 'URL': {
        const dynamic = variablesOf(b.url).length > 0;
        if (dynamic && !param)
          throw mismatch(`button ${index}: number of localizable_params (0) does not match the expected number of params (1)`);
        if (!dynamic && param)
          throw mismatch(`button ${index}: number of localizable_params (1) does not match the expected number of params (0)`);
        if (param && param.type !== 'text')
          throw formatMismatch(`button ${index}: expected TEXT, received ${param.type.toUpperCase()}`);
        const suffix = param ? paramValue(param, `button[${index}]`) : '';
        return { kind: 'url' as const, title: b.text ?? '', url: (b.url ?? '').replace(VARIABLE, suffix) };
      }
      case 'OTP': {
        if (!param)
          throw mismatch(`button ${index}: number of localizable_params (0) does not match the expected number of params (1)`);
        return {
          kind: 'otp' as const,
          title: b.otp_type === 'ONE_TAP' ? 'Autofill' : 'Copy code',
          payload: paramValue(param, `button[${index}]`),
        };
      }
      case 'COPY_CODE': {
        if (!param)
          throw mismatch(`button ${index}: number of localizable_params (0) does not match the expected number of params (1)`);
        if (param.type !== 'coupon_code')
          throw formatMismatch(`button ${index}: expected COUPON_CODE, received ${param.type.toUpperCase()}`);
        return { kind: 'copy_code' as const, title: 'Copy offer code', payload: paramValue(param, `button[${index}]`) };
      }
      case 'FLOW':
        return { kind: 'flow' as const, title: b.text ?? '', id: typeof b.flow_id === 'string' ? b.flow_id : undefined };
      default:
        return { kind: 'phone' as const, title: b.text ?? '', url: `tel:${b.phone_number ?? ''}` };
    }
  });
  if (!view.buttons.length) delete view.buttons;
  return { view, mediaIds };
}

function bindParams(vars: string[], params: SendParam[], named: boolean, where: string, allowed: string[]): Map<string, string> {
  const values = new Map<string, string>();
  params.forEach((p, i) => {
    if (!allowed.includes(p.type))
      throw formatMismatch(`${where}: expected ${allowed.join(' or ').toUpperCase()}, received ${String(p.type).toUpperCase()}`);
    const value = paramValue(p, `${where}[${i}]`);
    if (named) {
      if (!p.parameter_name || !vars.includes(p.parameter_name))
        throw mismatch(
          `${where}: parameter_name ${p.parameter_name ?? '(missing)'} is not a variable of this template (${vars.join(', ')})`,
        );
      values.set(p.parameter_name, value);
    } else {
      values.set(vars[i], value);
    }
  });
  if (named && values.size !== vars.length) throw mismatch(`${where}: every named parameter must be given once`);
  return values;
}

/** The approved templates a seeded WABA starts with: one per category and header kind worth testing. */
export function seedTemplateDrafts(): TemplateDraft[] {
  return [
    {
      name: 'hello_world',
      language: 'en_US',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        {
          type: 'BODY',
          text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification.',
        },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
    },
    {
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1001'] } },
        { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Jane', 'A-1001']] } },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: 'Track', url: 'https://example.com/t/{{1}}', example: ['https://example.com/t/A-1001'] },
          ],
        },
      ],
    },
    {
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
        {
          type: 'BODY',
          text: 'Hi {{1}}, our spring sale starts today: {{2}} off everything.',
          example: { body_text: [['Jane', '25%']] },
        },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Show me' },
            { type: 'QUICK_REPLY', text: 'Stop promotions' },
          ],
        },
      ],
    },
    {
      name: 'appointment_reminder',
      language: 'en_US',
      category: 'UTILITY',
      parameterFormat: 'NAMED',
      components: [
        {
          type: 'BODY',
          text: 'Hello {{customer_name}}, this is a reminder of your appointment on {{date}}.',
          example: {
            body_text_named_params: [
              { param_name: 'customer_name', example: 'Jane' },
              { param_name: 'date', example: 'May 1' },
            ],
          },
        },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Confirm' },
            { type: 'QUICK_REPLY', text: 'Reschedule' },
          ],
        },
      ],
    },
    {
      name: 'verification_code',
      language: 'en_US',
      category: 'AUTHENTICATION',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'BODY', add_security_recommendation: true },
        { type: 'FOOTER', code_expiration_minutes: 10 },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ],
    },
  ];
}

/** The Graph representation of a template (GET /{waba-id}/message_templates items). */
export function templateJson(t: SimTemplate): Record<string, unknown> {
  return {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
    quality_score: { score: t.qualityScore, date: Math.floor(t.createdAt / 1000) },
    ...(t.status === 'REJECTED' ? { rejected_reason: t.rejectedReason } : {}),
  };
}
