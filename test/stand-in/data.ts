/**
 * The stand-in's schema and demo database: an Odoo 17 "odootest" database with demo data
 * (modules base, contacts, product, sale), with the ids that the wire recordings show.
 */
import { deflateSync } from 'zlib';

/** API key of the admin user (40 hex characters, like the keys Odoo generates). */
export const ADMIN_API_KEY = '7c1d2e9f4b6a8c0d3e5f7a9b1c2d4e6f8a0b2c4d';

export type FieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'binary'
  | 'many2one'
  | 'many2one_reference'
  | 'one2many'
  | 'many2many';

export type Selection = Array<[string, string]>;

export interface FieldSpec {
  name: string;
  type: FieldType;
  string: string;
  relation?: string;
  selection?: Selection;
  required?: boolean;
  readonly?: boolean;
  help?: string;
  translate?: boolean;
  /** False for computed fields that Odoo does not store (not sortable, searchable only with `searchable`). */
  store?: boolean;
  searchable?: boolean;
  /** Name of a compute in the ORM; the value is derived, writes are ignored unless `inverse` is set. */
  compute?: string;
  /** one2many: the many2one on the comodel that points back. */
  inverseField?: string;
  /** A field of an Odoo module the stand-in does not implement: reads its demo value or this constant. */
  inert?: unknown;
  /** Value for new records; 'now' and 'uid' are resolved at creation time. */
  default?: unknown;
  ondelete?: 'cascade' | 'restrict' | 'set null';
  related?: string;
  /** Image fields refuse anything that is not base64 text of an image. */
  image?: boolean;
  /** Fields that Odoo's export dialog offers by default. */
  exportCompatible?: boolean;
  /** The first and last major versions that have the field (Odoo 19 dropped some of 17's). */
  since?: number;
  until?: number;
}

export type Operation = 'read' | 'write' | 'create' | 'unlink';

export interface ModelSpec {
  name: string;
  description: string;
  /** The Python class that defines the model-specific methods (for TypeError wording). */
  className: string;
  order: string;
  recName?: string;
  fields: FieldSpec[];
  /** Operations that only administrators may perform, with the groups Odoo names in its AccessError. */
  restricted?: Partial<Record<Operation, AccessGroup[]>>;
  /** Models with chatter (mail.thread): message_post and message_ids. */
  mailThread?: boolean;
  parentField?: string;
}

type FieldOptions = Omit<FieldSpec, 'name' | 'type' | 'string'>;

function field(
  name: string,
  type: FieldType,
  string: string,
  options: FieldOptions = {},
): FieldSpec {
  return { name, type, string, ...options };
}

const EMPTY_M2O = false;
const EMPTY_X2M: number[] = [];

function inert(
  name: string,
  type: FieldType,
  string: string,
  options: FieldOptions = {},
): FieldSpec {
  const empty =
    type === 'one2many' || type === 'many2many'
      ? EMPTY_X2M
      : type === 'integer'
        ? 0
        : type === 'float' || type === 'monetary'
          ? 0.0
          : EMPTY_M2O;
  return { name, type, string, store: false, searchable: true, inert: empty, ...options };
}

function computed(
  name: string,
  type: FieldType,
  string: string,
  compute: string,
  options: FieldOptions = {},
): FieldSpec {
  return { name, type, string, compute, readonly: true, store: false, ...options };
}

/** id, display_name and the four log-access fields every model has. */
function magicFields(): FieldSpec[] {
  return [
    field('id', 'integer', 'ID', { readonly: true }),
    computed('display_name', 'char', 'Display Name', 'display_name', { searchable: true }),
    field('create_uid', 'many2one', 'Created by', { relation: 'res.users', readonly: true }),
    field('create_date', 'datetime', 'Created on', { readonly: true }),
    field('write_uid', 'many2one', 'Last Updated by', { relation: 'res.users', readonly: true }),
    field('write_date', 'datetime', 'Last Updated on', { readonly: true }),
  ];
}

const WARN_SELECTION: Selection = [
  ['no-message', 'No Message'],
  ['warning', 'Warning'],
  ['block', 'Blocking Message'],
];

/** pytz's zone list as Odoo offers it (Etc/ zones last); built from the runtime's IANA data. */
function timezones(): Selection {
  const zones = new Set<string>(Intl.supportedValuesOf('timeZone'));
  for (const zone of ['UTC', 'GMT', 'Etc/GMT', 'Etc/UTC', 'Etc/GMT+1', 'Etc/GMT-1'])
    zones.add(zone);
  const sorted = [...zones].sort((a, b) => {
    const keyA = a.startsWith('Etc/') ? '_' : a;
    const keyB = b.startsWith('Etc/') ? '_' : b;
    return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
  });
  return sorted.map((zone) => [zone, zone]);
}

const IMAGE_SIZES = ['1024', '512', '256', '128'];

/** The followers of a mail.thread record (mail.followers rows naming it). */
function followerFields(): FieldSpec[] {
  return [
    computed('message_is_follower', 'boolean', 'Is Follower', 'is_follower'),
    computed('message_follower_ids', 'one2many', 'Followers', 'followers', {
      relation: 'mail.followers',
      readonly: false,
    }),
    computed('message_partner_ids', 'many2many', 'Followers (Partners)', 'follower_partners', {
      relation: 'res.partner',
      readonly: false,
      searchable: true,
    }),
  ];
}

const PRODUCT_TYPES_17: Selection = [
  ['consu', 'Consumable'],
  ['service', 'Service'],
];

/** res.partner with the 150 fields (same names, types, labels and order) of the recorded Odoo 17. */
function partnerFields(): FieldSpec[] {
  return [
    ...followerFields(),
    computed('message_ids', 'one2many', 'Messages', 'message_ids', {
      relation: 'mail.message',
      readonly: false,
      store: true,
      searchable: true,
    }),
    computed('has_message', 'boolean', 'Has Message', 'has_message'),
    inert('message_needaction', 'boolean', 'Action Needed', { readonly: true }),
    inert('message_needaction_counter', 'integer', 'Number of Actions', { readonly: true }),
    inert('message_has_error', 'boolean', 'Message Delivery error', { readonly: true }),
    inert('message_has_error_counter', 'integer', 'Number of errors', { readonly: true }),
    inert('message_attachment_count', 'integer', 'Attachment Count', { readonly: true }),
    inert('website_message_ids', 'one2many', 'Website Messages', { relation: 'mail.message' }),
    inert('message_has_sms_error', 'boolean', 'SMS Delivery error', { readonly: true }),
    computed('email_normalized', 'char', 'Normalized Email', 'email_normalized', {
      store: true,
      help: 'This field is used to search on email address as the primary email field can contain more than strictly an email address.',
    }),
    inert('is_blacklisted', 'boolean', 'Blacklist', { readonly: true }),
    field('message_bounce', 'integer', 'Bounce', { default: 0 }),
    inert('activity_ids', 'one2many', 'Activities', { relation: 'mail.activity' }),
    inert('activity_state', 'selection', 'Activity State', {
      readonly: true,
      selection: [
        ['overdue', 'Overdue'],
        ['today', 'Today'],
        ['planned', 'Planned'],
      ],
    }),
    inert('activity_user_id', 'many2one', 'Responsible User', {
      relation: 'res.users',
      readonly: true,
    }),
    inert('activity_type_id', 'many2one', 'Next Activity Type', { relation: 'mail.activity.type' }),
    inert('activity_type_icon', 'char', 'Activity Type Icon', { readonly: true }),
    inert('activity_date_deadline', 'date', 'Next Activity Deadline', { readonly: true }),
    inert('my_activity_date_deadline', 'date', 'My Activity Deadline', { readonly: true }),
    inert('activity_summary', 'char', 'Next Activity Summary'),
    inert('activity_exception_decoration', 'selection', 'Activity Exception Decoration', {
      readonly: true,
      selection: [
        ['warning', 'Alert'],
        ['danger', 'Error'],
      ],
    }),
    inert('activity_exception_icon', 'char', 'Icon', { readonly: true }),
    field('image_1920', 'binary', 'Image', { image: true }),
    ...IMAGE_SIZES.map((size) =>
      computed(`image_${size}`, 'binary', `Image ${size}`, 'image_resized', { store: true }),
    ),
    computed('avatar_1920', 'binary', 'Avatar', 'avatar'),
    ...IMAGE_SIZES.map((size) => computed(`avatar_${size}`, 'binary', `Avatar ${size}`, 'avatar')),
    field('name', 'char', 'Name', { exportCompatible: true }),
    computed('complete_name', 'char', 'Complete Name', 'complete_name', { store: true }),
    field('date', 'date', 'Date', { until: 18 }),
    inert('title', 'many2one', 'Title', { relation: 'res.partner.title', until: 18 }),
    field('parent_id', 'many2one', 'Related Company', {
      relation: 'res.partner',
      ondelete: 'set null',
    }),
    computed('parent_name', 'char', 'Parent name', 'parent_name', {
      related: 'parent_id.name',
      searchable: true,
    }),
    field('child_ids', 'one2many', 'Contact', {
      relation: 'res.partner',
      inverseField: 'parent_id',
    }),
    field('ref', 'char', 'Reference'),
    field('lang', 'selection', 'Language', {
      selection: [['en_US', 'English (US)']],
      default: 'context_lang',
      help: 'All the emails and documents sent to this contact will be translated in this language.',
    }),
    inert('active_lang_count', 'integer', 'Active Lang Count', { readonly: true, inert: 1 }),
    field('tz', 'selection', 'Timezone', {
      selection: timezones(),
      default: 'context_tz',
      help: 'When printing documents and exporting/importing data, time values are computed according to this timezone.\nIf the timezone is not set, UTC (Coordinated Universal Time) is used.\nAnywhere else, time values are computed according to the time offset of your web client.',
    }),
    inert('tz_offset', 'char', 'Timezone offset', { readonly: true, inert: '+0000' }),
    field('user_id', 'many2one', 'Salesperson', {
      relation: 'res.users',
      ondelete: 'set null',
      help: 'The internal user in charge of this contact.',
    }),
    field('vat', 'char', 'Tax ID', {
      help: "The Tax Identification Number. Values here will be validated based on the country format. You can use '/' to indicate that the partner is not subject to tax.",
    }),
    inert('same_vat_partner_id', 'many2one', 'Partner with same Tax ID', {
      relation: 'res.partner',
      readonly: true,
    }),
    inert('same_company_registry_partner_id', 'many2one', 'Partner with same Company Registry', {
      relation: 'res.partner',
      readonly: true,
    }),
    field('company_registry', 'char', 'Company ID'),
    inert('bank_ids', 'one2many', 'Banks', { relation: 'res.partner.bank' }),
    field('website', 'char', 'Website Link'),
    field('comment', 'html', 'Notes'),
    field('category_id', 'many2many', 'Tags', { relation: 'res.partner.category' }),
    field('active', 'boolean', 'Active', { default: true }),
    field('employee', 'boolean', 'Employee', {
      default: false,
      help: 'Check this box if this contact is an Employee.',
    }),
    field('function', 'char', 'Job Position'),
    field('type', 'selection', 'Address Type', {
      default: 'contact',
      selection: [
        ['contact', 'Contact'],
        ['invoice', 'Invoice Address'],
        ['delivery', 'Delivery Address'],
        ['other', 'Other Address'],
      ],
    }),
    field('street', 'char', 'Street'),
    field('street2', 'char', 'Street2'),
    field('zip', 'char', 'Zip'),
    field('city', 'char', 'City'),
    field('state_id', 'many2one', 'State', { relation: 'res.country.state', ondelete: 'restrict' }),
    field('country_id', 'many2one', 'Country', { relation: 'res.country', ondelete: 'restrict' }),
    computed('country_code', 'char', 'Country Code', 'country_code', {
      related: 'country_id.code',
      searchable: true,
      help: 'The ISO country code in two chars. \nYou can use this field for quick search.',
    }),
    field('partner_latitude', 'float', 'Geo Latitude', { default: 0 }),
    field('partner_longitude', 'float', 'Geo Longitude', { default: 0 }),
    field('email', 'char', 'Email'),
    computed('email_formatted', 'char', 'Formatted Email', 'email_formatted', {
      help: 'Format email address "Name <email@domain>"',
    }),
    field('phone', 'char', 'Phone'),
    field('mobile', 'char', 'Mobile', { until: 18 }),
    field('is_company', 'boolean', 'Is a Company', {
      default: false,
      help: 'Check if the contact is a company, otherwise it is a person',
    }),
    computed('is_public', 'boolean', 'Is Public', 'is_public'),
    inert('industry_id', 'many2one', 'Industry', { relation: 'res.partner.industry' }),
    computed('company_type', 'selection', 'Company Type', 'company_type', {
      readonly: false,
      selection: [
        ['person', 'Individual'],
        ['company', 'Company'],
      ],
    }),
    inert('company_id', 'many2one', 'Company', { relation: 'res.company' }),
    field('color', 'integer', 'Color Index', { default: 0 }),
    field('user_ids', 'one2many', 'Users', { relation: 'res.users', inverseField: 'partner_id' }),
    computed('partner_share', 'boolean', 'Share Partner', 'partner_share', {
      store: true,
      help: 'Either customer (not a user), either shared user. Indicated the current partner is a customer without access or with a limited access created for sharing data.',
    }),
    computed('contact_address', 'char', 'Complete Address', 'contact_address'),
    computed('commercial_partner_id', 'many2one', 'Commercial Entity', 'commercial_partner_id', {
      relation: 'res.partner',
      store: true,
    }),
    computed('commercial_company_name', 'char', 'Company Name Entity', 'commercial_company_name', {
      store: true,
    }),
    field('company_name', 'char', 'Company Name'),
    field('barcode', 'char', 'Barcode', { help: 'Use a barcode to identify this contact.' }),
    computed('self', 'many2one', 'Self', 'self', { relation: 'res.partner' }),
    ...magicFields(),
    computed('im_status', 'char', 'IM Status', 'im_status'),
    inert('channel_ids', 'many2many', 'Channels', { relation: 'discuss.channel' }),
    computed(
      'contact_address_inline',
      'char',
      'Inlined Complete Address',
      'contact_address_inline',
    ),
    inert('starred_message_ids', 'many2many', 'Starred Message', {
      relation: 'mail.message',
      until: 18,
    }),
    field('signup_token', 'char', 'Signup Token', { until: 18 }),
    field('signup_type', 'char', 'Signup Token Type'),
    field('signup_expiration', 'datetime', 'Signup Expiration', { until: 18 }),
    computed('signup_valid', 'boolean', 'Signup Token is Valid', 'signup_valid', { until: 18 }),
    computed('signup_url', 'char', 'Signup URL', 'signup_url', { until: 18 }),
    inert('property_product_pricelist', 'many2one', 'Pricelist', { relation: 'product.pricelist' }),
    inert('team_id', 'many2one', 'Sales Team', { relation: 'crm.team', until: 18 }),
    field('partner_gid', 'integer', 'Company database ID', { default: 0, until: 18 }),
    field('additional_info', 'char', 'Additional info', { until: 18 }),
    computed('phone_sanitized', 'char', 'Sanitized Number', 'phone_sanitized', { store: true }),
    inert('phone_sanitized_blacklisted', 'boolean', 'Phone Blacklisted', { readonly: true }),
    inert('phone_blacklisted', 'boolean', 'Blacklisted Phone is Phone', { readonly: true }),
    inert('mobile_blacklisted', 'boolean', 'Blacklisted Phone Is Mobile', {
      readonly: true,
      until: 18,
    }),
    inert('phone_mobile_search', 'char', 'Phone/Mobile'),
    inert('payment_token_ids', 'one2many', 'Payment Tokens', { relation: 'payment.token' }),
    inert('payment_token_count', 'integer', 'Payment Token Count', { readonly: true }),
    inert('fiscal_country_codes', 'char', 'Fiscal Country Codes', { readonly: true, inert: 'US' }),
    inert('credit', 'monetary', 'Total Receivable', { readonly: true }),
    inert('credit_to_invoice', 'monetary', 'Credit To Invoice', { readonly: true }),
    field('credit_limit', 'float', 'Credit Limit', { default: 0 }),
    inert('use_partner_credit_limit', 'boolean', 'Partner Limit'),
    inert('show_credit_limit', 'boolean', 'Show Credit Limit', { readonly: true }),
    inert('days_sales_outstanding', 'float', 'Days Sales Outstanding (DSO)', { readonly: true }),
    inert('debit', 'monetary', 'Total Payable', { readonly: true }),
    field('debit_limit', 'monetary', 'Payable Limit', { default: 0, until: 18 }),
    inert('total_invoiced', 'monetary', 'Total Invoiced', { readonly: true }),
    inert('currency_id', 'many2one', 'Currency', {
      relation: 'res.currency',
      readonly: true,
      inert: [1, 'USD'],
    }),
    inert('journal_item_count', 'integer', 'Journal Items', { readonly: true, until: 18 }),
    inert('property_account_payable_id', 'many2one', 'Account Payable', {
      relation: 'account.account',
      required: true,
      inert: [14, '211000 Account Payable'],
    }),
    inert('property_account_receivable_id', 'many2one', 'Account Receivable', {
      relation: 'account.account',
      required: true,
      inert: [6, '121000 Account Receivable'],
    }),
    inert('property_account_position_id', 'many2one', 'Fiscal Position', {
      relation: 'account.fiscal.position',
    }),
    inert('property_payment_term_id', 'many2one', 'Customer Payment Terms', {
      relation: 'account.payment.term',
    }),
    inert('property_supplier_payment_term_id', 'many2one', 'Vendor Payment Terms', {
      relation: 'account.payment.term',
    }),
    inert('ref_company_ids', 'one2many', 'Companies that refers to partner', {
      relation: 'res.company',
    }),
    inert('has_unreconciled_entries', 'boolean', 'Has Unreconciled Entries', {
      readonly: true,
      until: 18,
    }),
    inert('last_time_entries_checked', 'datetime', 'Latest Invoices & Payments Matching Date', {
      readonly: true,
      until: 18,
    }),
    inert('invoice_ids', 'one2many', 'Invoices', { relation: 'account.move', readonly: true }),
    inert('contract_ids', 'one2many', 'Partner Contracts', {
      relation: 'account.analytic.account',
      readonly: true,
    }),
    inert('bank_account_count', 'integer', 'Bank', { readonly: true }),
    field('trust', 'selection', 'Degree of trust you have in this debtor', {
      default: 'normal',
      selection: [
        ['good', 'Good Debtor'],
        ['normal', 'Normal Debtor'],
        ['bad', 'Bad Debtor'],
      ],
    }),
    field('invoice_warn', 'selection', 'Invoice', {
      default: 'no-message',
      selection: WARN_SELECTION,
      until: 18,
    }),
    field('invoice_warn_msg', 'text', 'Message for Invoice', { until: 18 }),
    field('supplier_rank', 'integer', 'Supplier Rank', { default: 0 }),
    field('customer_rank', 'integer', 'Customer Rank', { default: 0 }),
    inert(
      'duplicated_bank_account_partners_count',
      'integer',
      'Duplicated Bank Account Partners Count',
      {
        readonly: true,
        until: 18,
      },
    ),
    inert('property_payment_method_id', 'many2one', 'Payment Method', {
      relation: 'account.payment.method',
      until: 18,
    }),
    field('ubl_cii_format', 'selection', 'Format', {
      selection: [
        ['facturx', 'Factur-X (CII)'],
        ['ubl_bis3', 'BIS Billing 3.0'],
        ['xrechnung', 'XRechnung CIUS'],
        ['nlcius', 'NLCIUS'],
        ['ubl_a_nz', 'BIS Billing 3.0 A-NZ'],
        ['ubl_sg', 'BIS Billing 3.0 SG'],
      ],
      until: 18,
    }),
    field('peppol_endpoint', 'char', 'Peppol Endpoint'),
    field('peppol_eas', 'selection', 'Peppol e-address (EAS)', {
      selection: [
        [
          '0002',
          '0002 - System Information et Repertoire des Entreprise et des Etablissements: SIRENE',
        ],
        ['0007', '0007 - Organisationsnummer (Swedish legal entities)'],
        ['0009', '0009 - SIRET-CODE'],
        ['0088', '0088 - EAN Location Code'],
        ['0106', "0106 - Dutch Originator's Identification Number"],
        ['0208', "0208 - Numero d'entreprise / ondernemingsnummer / Unternehmensnummer"],
        ['9925', '9925 - Belgium VAT number'],
        ['9930', '9930 - Germany VAT number'],
        ['9957', '9957 - France VAT number'],
      ],
    }),
    computed('sale_order_count', 'integer', 'Sale Order Count', 'sale_order_count'),
    field('sale_order_ids', 'one2many', 'Sales Order', {
      relation: 'sale.order',
      inverseField: 'partner_id',
    }),
    field('sale_warn', 'selection', 'Sales Warnings', {
      default: 'no-message',
      selection: WARN_SELECTION,
      until: 18,
    }),
    field('sale_warn_msg', 'text', 'Message for Sales Order'),
  ];
}

/**
 * Groups Odoo names in an AccessError, resolved per version by the ORM: Odoo 19 renamed them
 * ("Administration/Settings" became "Role / Administrator", "Administration/Access Rights"
 * became "Access Rights").
 */
export type AccessGroup = 'settings' | 'access-rights' | 'internal';
const ADMIN_SETTINGS: AccessGroup[] = ['settings'];
const ACCESS_RIGHTS: AccessGroup[] = ['access-rights'];

export const MODEL_SPECS: ModelSpec[] = [
  {
    name: 'res.partner',
    description: 'Contact',
    className: 'Partner',
    order: 'complete_name ASC, id DESC',
    recName: 'complete_name',
    fields: partnerFields(),
    mailThread: true,
    parentField: 'parent_id',
  },
  {
    name: 'res.partner.category',
    description: 'Partner Tags',
    className: 'PartnerCategory',
    order: 'name',
    fields: [
      field('name', 'char', 'Tag Name', {
        required: true,
        translate: true,
        exportCompatible: true,
      }),
      field('color', 'integer', 'Color', { default: 0 }),
      field('parent_id', 'many2one', 'Parent Category', {
        relation: 'res.partner.category',
        ondelete: 'cascade',
      }),
      computed('parent_path', 'char', 'Parent Path', 'parent_path', { store: true }),
      field('child_ids', 'one2many', 'Child Tags', {
        relation: 'res.partner.category',
        inverseField: 'parent_id',
      }),
      field('active', 'boolean', 'Active', {
        default: true,
        help: 'The active field allows you to hide the category without removing it.',
      }),
      field('partner_ids', 'many2many', 'Partners', {
        relation: 'res.partner',
        compute: 'category_partners',
      }),
      ...magicFields(),
    ],
    parentField: 'parent_id',
  },
  {
    name: 'res.country',
    description: 'Country',
    className: 'Country',
    order: 'name',
    fields: [
      field('name', 'char', 'Country Name', {
        required: true,
        translate: true,
        exportCompatible: true,
      }),
      field('code', 'char', 'Country Code', {
        help: 'The ISO country code in two chars. \nYou can use this field for quick search.',
      }),
      field('state_ids', 'one2many', 'States', {
        relation: 'res.country.state',
        inverseField: 'country_id',
      }),
      ...magicFields(),
    ],
    restricted: { write: ADMIN_SETTINGS, create: ADMIN_SETTINGS, unlink: ADMIN_SETTINGS },
  },
  {
    name: 'res.country.state',
    description: 'Country state',
    className: 'CountryState',
    order: 'country_id, name',
    fields: [
      field('country_id', 'many2one', 'Country', {
        relation: 'res.country',
        required: true,
        ondelete: 'restrict',
      }),
      field('name', 'char', 'State Name', { required: true, exportCompatible: true }),
      field('code', 'char', 'State Code', { required: true }),
      ...magicFields(),
    ],
  },
  {
    name: 'res.users',
    description: 'User',
    className: 'Users',
    order: 'name, login',
    fields: [
      field('partner_id', 'many2one', 'Related Partner', {
        relation: 'res.partner',
        required: true,
        ondelete: 'restrict',
      }),
      field('login', 'char', 'Login', { required: true, help: 'Used to log into the system' }),
      computed('name', 'char', 'Name', 'user_name', {
        related: 'partner_id.name',
        readonly: false,
        store: true,
        exportCompatible: true,
      }),
      computed('email', 'char', 'Email', 'user_email', {
        related: 'partner_id.email',
        readonly: false,
        store: true,
      }),
      computed('lang', 'selection', 'Language', 'user_lang', {
        related: 'partner_id.lang',
        readonly: false,
        store: true,
        selection: [['en_US', 'English (US)']],
      }),
      field('active', 'boolean', 'Active', { default: true }),
      computed('share', 'boolean', 'Share User', 'user_share', {
        store: true,
        help: 'External user with limited access, created only for the purpose of sharing data.',
      }),
      field('login_date', 'datetime', 'Latest authentication', { readonly: true }),
      ...magicFields(),
    ],
    restricted: {
      write: ACCESS_RIGHTS,
      create: ACCESS_RIGHTS,
      unlink: ACCESS_RIGHTS,
    },
  },
  {
    name: 'sale.order',
    description: 'Sales Order',
    className: 'SaleOrder',
    order: 'date_order desc, id desc',
    mailThread: true,
    fields: [
      field('name', 'char', 'Order Reference', {
        required: true,
        default: 'New',
        exportCompatible: true,
      }),
      field('partner_id', 'many2one', 'Customer', {
        relation: 'res.partner',
        required: true,
        ondelete: 'restrict',
      }),
      field('date_order', 'datetime', 'Order Date', {
        required: true,
        default: 'now',
        help: 'Creation date of draft/sent orders,\nConfirmation date of confirmed orders.',
      }),
      field('validity_date', 'date', 'Expiration'),
      field('state', 'selection', 'Status', {
        readonly: true,
        default: 'draft',
        selection: [
          ['draft', 'Quotation'],
          ['sent', 'Quotation Sent'],
          ['sale', 'Sales Order'],
          ['cancel', 'Cancelled'],
        ],
      }),
      field('user_id', 'many2one', 'Salesperson', {
        relation: 'res.users',
        default: 'uid',
        ondelete: 'set null',
      }),
      field('client_order_ref', 'char', 'Customer Reference'),
      field('note', 'html', 'Terms and conditions'),
      field('order_line', 'one2many', 'Order Lines', {
        relation: 'sale.order.line',
        inverseField: 'order_id',
      }),
      computed('amount_untaxed', 'monetary', 'Untaxed Amount', 'amount_untaxed', { store: true }),
      computed('amount_tax', 'monetary', 'Taxes', 'amount_tax', { store: true }),
      computed('amount_total', 'monetary', 'Total', 'amount_total', { store: true }),
      inert('currency_id', 'many2one', 'Currency', {
        relation: 'res.currency',
        readonly: true,
        inert: [1, 'USD'],
      }),
      computed('type_name', 'char', 'Type Name', 'type_name'),
      ...followerFields(),
      computed('message_ids', 'one2many', 'Messages', 'message_ids', {
        relation: 'mail.message',
        readonly: false,
        store: true,
        searchable: true,
      }),
      ...magicFields(),
    ],
  },
  {
    name: 'sale.order.line',
    description: 'Sales Order Line',
    className: 'SaleOrderLine',
    order: 'order_id, sequence, id',
    fields: [
      field('order_id', 'many2one', 'Order Reference', {
        relation: 'sale.order',
        required: true,
        ondelete: 'cascade',
      }),
      field('sequence', 'integer', 'Sequence', { default: 10 }),
      field('display_type', 'selection', 'Display Type', {
        selection: [
          ['line_section', 'Section'],
          ['line_note', 'Note'],
        ],
      }),
      field('product_id', 'many2one', 'Product', {
        relation: 'product.product',
        ondelete: 'restrict',
      }),
      field('name', 'text', 'Description', { required: true, exportCompatible: true }),
      field('product_uom_qty', 'float', 'Quantity', { required: true, default: 1 }),
      field('price_unit', 'float', 'Unit Price', { required: true, default: 0 }),
      computed('price_subtotal', 'monetary', 'Subtotal', 'price_subtotal', { store: true }),
      computed('price_total', 'monetary', 'Total', 'price_subtotal', { store: true }),
      computed('state', 'selection', 'Order Status', 'line_state', {
        related: 'order_id.state',
        store: true,
        selection: [
          ['draft', 'Quotation'],
          ['sent', 'Quotation Sent'],
          ['sale', 'Sales Order'],
          ['cancel', 'Cancelled'],
        ],
      }),
      ...magicFields(),
    ],
  },
  {
    name: 'ir.model',
    description: 'Models',
    className: 'IrModel',
    order: 'model',
    fields: [
      field('name', 'char', 'Model Description', {
        required: true,
        translate: true,
        exportCompatible: true,
      }),
      field('model', 'char', 'Model', { required: true }),
      field('info', 'text', 'Information'),
      field('state', 'selection', 'Type', {
        default: 'manual',
        selection: [
          ['manual', 'Custom Object'],
          ['base', 'Base Object'],
        ],
      }),
      field('transient', 'boolean', 'Transient Model', { default: false }),
      field('modules', 'char', 'In Apps', {
        readonly: true,
        help: 'List of modules in which the object is defined or inherited',
      }),
      ...magicFields(),
    ],
    restricted: { write: ACCESS_RIGHTS, create: ACCESS_RIGHTS, unlink: ACCESS_RIGHTS },
  },
  {
    name: 'ir.config_parameter',
    description: 'System Parameter',
    className: 'IrConfigParameter',
    order: 'key',
    recName: 'key',
    fields: [
      field('key', 'char', 'Key', { required: true, exportCompatible: true }),
      field('value', 'text', 'Value', { required: true }),
      ...magicFields(),
    ],
    restricted: {
      read: ADMIN_SETTINGS,
      write: ADMIN_SETTINGS,
      create: ADMIN_SETTINGS,
      unlink: ADMIN_SETTINGS,
    },
  },
  {
    name: 'mail.message',
    description: 'Message',
    className: 'Message',
    order: 'id desc',
    recName: 'record_name',
    fields: [
      field('subject', 'char', 'Subject'),
      field('date', 'datetime', 'Date', { default: 'now' }),
      field('body', 'html', 'Contents', { default: '' }),
      field('model', 'char', 'Related Document Model'),
      field('res_id', 'integer', 'Related Document ID', { default: 0 }),
      computed('record_name', 'char', 'Message Record Name', 'message_record_name'),
      field('message_type', 'selection', 'Type', {
        required: true,
        default: 'comment',
        selection: [
          ['email', 'Incoming Email'],
          ['comment', 'Comment'],
          ['email_outgoing', 'Outgoing Email'],
          ['notification', 'System notification'],
          ['auto_comment', 'Automated Targeted Notification'],
          ['user_notification', 'User Specific Notification'],
        ],
      }),
      field('author_id', 'many2one', 'Author', { relation: 'res.partner', ondelete: 'set null' }),
      field('email_from', 'char', 'From'),
      field('partner_ids', 'many2many', 'Recipients', { relation: 'res.partner' }),
      field('attachment_ids', 'many2many', 'Attachments', { relation: 'ir.attachment' }),
      ...magicFields(),
    ],
  },
  {
    name: 'ir.model.data',
    description: 'Model Data',
    className: 'IrModelData',
    order: 'module, model, name',
    recName: 'complete_name',
    fields: [
      field('name', 'char', 'External Identifier', {
        required: true,
        help: 'External Key/Identifier that can be used for data integration with third-party systems',
      }),
      computed('complete_name', 'char', 'Complete ID', 'xmlid_complete_name'),
      field('model', 'char', 'Model Name', { required: true }),
      field('module', 'char', 'Module', { required: true, default: '' }),
      field('res_id', 'many2one_reference', 'Record ID', {
        help: 'ID of the target record in the database',
      }),
      field('noupdate', 'boolean', 'Non Updatable', { default: false }),
      ...magicFields(),
    ],
    restricted: {
      read: ACCESS_RIGHTS,
      write: ACCESS_RIGHTS,
      create: ACCESS_RIGHTS,
      unlink: ACCESS_RIGHTS,
    },
  },
  {
    name: 'ir.module.module',
    description: 'Module',
    className: 'IrModuleModule',
    order: 'name',
    recName: 'shortdesc',
    fields: [
      field('name', 'char', 'Technical Name', { required: true }),
      field('shortdesc', 'char', 'Module Name'),
      field('state', 'selection', 'Status', {
        default: 'uninstallable',
        selection: [
          ['uninstallable', 'Uninstallable'],
          ['uninstalled', 'Not Installed'],
          ['installed', 'Installed'],
          ['to upgrade', 'To be upgraded'],
          ['to remove', 'To be removed'],
          ['to install', 'To be installed'],
        ],
      }),
      ...magicFields(),
    ],
    restricted: { write: ADMIN_SETTINGS, create: ADMIN_SETTINGS, unlink: ADMIN_SETTINGS },
  },
  {
    name: 'ir.attachment',
    description: 'Attachment',
    className: 'IrAttachment',
    order: 'id desc',
    fields: [
      field('name', 'char', 'Name', { required: true }),
      field('description', 'text', 'Description'),
      field('res_model', 'char', 'Resource Model', {
        help: 'The database object this attachment will be attached to.',
      }),
      field('res_field', 'char', 'Resource Field'),
      field('res_id', 'many2one_reference', 'Resource ID', {
        default: 0,
        help: 'The record id this is attached to.',
      }),
      field('type', 'selection', 'Type', {
        required: true,
        default: 'binary',
        selection: [
          ['url', 'URL'],
          ['binary', 'File'],
        ],
      }),
      field('url', 'char', 'Url'),
      field('public', 'boolean', 'Is public document', { default: false }),
      field('datas', 'binary', 'File Content (base64)'),
      field('mimetype', 'char', 'Mime Type'),
      computed('file_size', 'integer', 'File Size', 'attachment_size'),
      computed('checksum', 'char', 'Checksum/SHA1', 'attachment_checksum'),
      ...magicFields(),
    ],
  },
  {
    name: 'product.template',
    description: 'Product',
    className: 'ProductTemplate',
    order: 'is_favorite desc, name, id',
    mailThread: true,
    fields: [
      field('name', 'char', 'Name', { required: true, translate: true, exportCompatible: true }),
      field('description_sale', 'text', 'Sales Description', { translate: true }),
      field('type', 'selection', 'Type', {
        default: 'consu',
        selection: PRODUCT_TYPES_17,
        until: 18,
      }),
      field('detailed_type', 'selection', 'Product Type', {
        required: true,
        default: 'consu',
        selection: PRODUCT_TYPES_17,
        until: 18,
      }),
      field('type', 'selection', 'Product Type', {
        required: true,
        default: 'consu',
        selection: [
          ['consu', 'Goods'],
          ['service', 'Service'],
          ['combo', 'Combo'],
        ],
        since: 19,
      }),
      field('list_price', 'float', 'Sales Price', { default: 1 }),
      field('sale_ok', 'boolean', 'Can be Sold', { default: true }),
      field('active', 'boolean', 'Active', { default: true }),
      field('is_favorite', 'boolean', 'Favorite', { default: false }),
      computed('default_code', 'char', 'Internal Reference', 'template_code', { store: true }),
      computed('barcode', 'char', 'Barcode', 'template_barcode'),
      field('product_variant_ids', 'one2many', 'Products', {
        relation: 'product.product',
        inverseField: 'product_tmpl_id',
      }),
      inert('categ_id', 'many2one', 'Product Category', {
        relation: 'product.category',
        inert: [1, 'All'],
      }),
      inert('uom_id', 'many2one', 'Unit of Measure', { relation: 'uom.uom', inert: [1, 'Units'] }),
      ...followerFields(),
      ...magicFields(),
    ],
  },
  {
    name: 'product.product',
    description: 'Product Variant',
    className: 'ProductProduct',
    order: 'is_favorite desc, default_code, name, id',
    mailThread: true,
    fields: [
      field('product_tmpl_id', 'many2one', 'Product Template', {
        relation: 'product.template',
        required: true,
        ondelete: 'cascade',
      }),
      field('default_code', 'char', 'Internal Reference'),
      field('barcode', 'char', 'Barcode', {
        help: 'International Article Number used for product identification.',
      }),
      field('active', 'boolean', 'Active', { default: true }),
      field('variant_name', 'char', 'Variant Values'),
      computed('name', 'char', 'Name', 'related', {
        related: 'product_tmpl_id.name',
        readonly: false,
      }),
      computed('description_sale', 'text', 'Sales Description', 'related', {
        related: 'product_tmpl_id.description_sale',
        readonly: false,
      }),
      computed('type', 'selection', 'Type', 'related', {
        related: 'product_tmpl_id.type',
        readonly: false,
        selection: PRODUCT_TYPES_17,
        until: 18,
      }),
      computed('type', 'selection', 'Product Type', 'related', {
        related: 'product_tmpl_id.type',
        readonly: false,
        selection: [
          ['consu', 'Goods'],
          ['service', 'Service'],
          ['combo', 'Combo'],
        ],
        since: 19,
      }),
      computed('detailed_type', 'selection', 'Product Type', 'related', {
        related: 'product_tmpl_id.detailed_type',
        readonly: false,
        selection: PRODUCT_TYPES_17,
        until: 18,
      }),
      computed('list_price', 'float', 'Sales Price', 'related', {
        related: 'product_tmpl_id.list_price',
        readonly: false,
      }),
      computed('sale_ok', 'boolean', 'Can be Sold', 'related', {
        related: 'product_tmpl_id.sale_ok',
        readonly: false,
      }),
      computed('is_favorite', 'boolean', 'Favorite', 'related', {
        related: 'product_tmpl_id.is_favorite',
        store: true,
      }),
      inert('categ_id', 'many2one', 'Product Category', {
        relation: 'product.category',
        inert: [1, 'All'],
      }),
      inert('uom_id', 'many2one', 'Unit of Measure', { relation: 'uom.uom', inert: [1, 'Units'] }),
      ...followerFields(),
      ...magicFields(),
    ],
  },
  {
    name: 'mail.followers',
    description: 'Document Followers',
    className: 'Followers',
    order: 'id',
    fields: [
      field('res_model', 'char', 'Related Document Model Name', { required: true }),
      field('res_id', 'integer', 'Related Document ID', { default: 0 }),
      field('partner_id', 'many2one', 'Related Partner', {
        relation: 'res.partner',
        required: true,
        ondelete: 'cascade',
      }),
      inert('subtype_ids', 'many2many', 'Subtype', {
        relation: 'mail.message.subtype',
        inert: [1],
      }),
      ...magicFields(),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Demo images: small deterministic PNGs (noise compresses badly, so sizes stay realistic).

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A size×size RGB PNG whose pixels come from a seeded generator, as base64 text. */
export function demoPng(seed: number, size: number): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state & 0xff;
  };
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    for (let x = 0; x < size * 3; x++) raw[row + 1 + x] = next();
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 2;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}

/** The SVG avatar Odoo generates for a contact without a picture. */
export function placeholderAvatar(name: string, id: number): string {
  const initial = (name.trim()[0] ?? '?').toUpperCase().replace(/[&<>]/g, '');
  const hue = (id * 47) % 360;
  const svg =
    "<?xml version='1.0' encoding='UTF-8' ?>" +
    "<svg height='180' width='180' xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>" +
    `<rect fill='hsl(${hue}, 40%, 45%)' height='180' width='180'/>` +
    `<text fill='#ffffff' font-size='96' text-anchor='middle' x='90' y='125' font-family='sans-serif'>${initial}</text>` +
    '</svg>';
  return Buffer.from(svg).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Demo records

export type Row = Record<string, unknown> & { id: number };

export interface DemoUser {
  id: number;
  login: string;
  password: string;
  partnerId: number;
  active: boolean;
  share: boolean;
  groups: 'admin' | 'internal' | 'portal' | 'public';
}

export const DEMO_USERS: DemoUser[] = [
  {
    id: 1,
    login: '__system__',
    password: '',
    partnerId: 2,
    active: false,
    share: false,
    groups: 'admin',
  },
  {
    id: 2,
    login: 'admin',
    password: 'admin',
    partnerId: 3,
    active: true,
    share: false,
    groups: 'admin',
  },
  {
    id: 3,
    login: 'public',
    password: '',
    partnerId: 4,
    active: false,
    share: true,
    groups: 'public',
  },
  {
    id: 4,
    login: 'default',
    password: '',
    partnerId: 5,
    active: false,
    share: false,
    groups: 'internal',
  },
  {
    id: 5,
    login: 'portaltemplate',
    password: '',
    partnerId: 6,
    active: false,
    share: true,
    groups: 'portal',
  },
  {
    id: 6,
    login: 'demo',
    password: 'demo',
    partnerId: 7,
    active: true,
    share: false,
    groups: 'internal',
  },
  {
    id: 7,
    login: 'portal',
    password: 'portal',
    partnerId: 8,
    active: true,
    share: true,
    groups: 'portal',
  },
];

export const US = 233;
export const BELGIUM = 21;
export const CALIFORNIA = 13;

/** Every ISO 3166 country, with ids in code order as Odoo's data file assigns them. */
function countryRows(): Array<{ id: number; name: string; code: string }> {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const notCountries = new Set(
    'AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR ZZ'.split(
      ' ',
    ),
  );
  const rename: Record<string, string> = {
    HK: 'Hong Kong',
    MO: 'Macau',
    MM: 'Myanmar',
    PS: 'State of Palestine',
    CI: "Côte d'Ivoire",
  };
  const rows: Array<{ id: number; name: string; code: string }> = [];
  const fixed: Record<string, number> = { BE: BELGIUM, US };
  let next = 1;
  for (let first = 65; first < 91; first++) {
    for (let second = 65; second < 91; second++) {
      const code = String.fromCharCode(first, second);
      const name = names.of(code);
      if (!name || notCountries.has(code)) continue;
      let id = fixed[code];
      if (id === undefined) {
        while (next === BELGIUM || next === US) next++;
        id = next++;
      }
      rows.push({ id, name: rename[code] ?? name, code });
    }
  }
  return rows;
}

const STATES: Array<[number, string, string, number]> = [
  [10, 'Alabama', 'AL', US],
  [11, 'Alaska', 'AK', US],
  [12, 'Arizona', 'AZ', US],
  [CALIFORNIA, 'California', 'CA', US],
  [14, 'Colorado', 'CO', US],
  [18, 'Florida', 'FL', US],
  [23, 'Illinois', 'IL', US],
  [42, 'New York', 'NY', US],
  [48, 'Pennsylvania', 'PA', US],
  [53, 'Texas', 'TX', US],
  [56, 'Washington', 'WA', US],
  [80, 'Antwerpen', 'VAN', BELGIUM],
  [81, 'Brussels', 'BRU', BELGIUM],
];

export const PARTNER_CATEGORIES: Array<[number, string, number]> = [
  [1, 'Prospects', 2],
  [2, 'Vendor', 1],
  [3, 'Employees', 3],
  [4, 'Consulting Services', 4],
  [5, 'Desk Manufacturers', 5],
  [6, 'Services', 6],
  [7, 'Office Supplies', 7],
];

interface PartnerSeed {
  id: number;
  name: string;
  parent?: number;
  company?: boolean;
  email?: string;
  phone?: string;
  function?: string;
  street?: string;
  city?: string;
  zip?: string;
  state?: number;
  categories?: number[];
  active?: boolean;
  image?: number;
  website?: string;
  vat?: string;
  customerRank?: number;
  supplierRank?: number;
  extra?: Record<string, unknown>;
}

const PARTNERS: PartnerSeed[] = [
  {
    id: 1,
    name: 'YourCompany',
    company: true,
    email: 'info@yourcompany.com',
    phone: '+1 555-555-5556',
    street: '250 Executive Park Blvd, Suite 3400',
    city: 'San Francisco',
    zip: '94134',
    state: CALIFORNIA,
    website: 'http://www.example.com',
    image: 40,
  },
  { id: 2, name: 'OdooBot', email: 'odoobot@example.com', active: false, image: 28 },
  {
    id: 3,
    name: 'Mitchell Admin',
    parent: 1,
    email: 'admin@yourcompany.example.com',
    phone: '+1 555-555-5555',
    function: 'Chief Executive Officer',
    street: '215 Vine St',
    city: 'Scranton',
    zip: '18503',
    state: 48,
    image: 32,
  },
  { id: 4, name: 'Public user', active: false },
  { id: 5, name: 'Default User Template', active: false },
  { id: 6, name: 'Portal User Template', active: false },
  {
    id: 7,
    name: 'Marc Demo',
    parent: 1,
    email: 'mark.brown23@example.com',
    phone: '(441)-695-2334',
    function: 'Consultant',
    street: '3575  Buena Vista Avenue',
    city: 'Eugene',
    zip: '97401',
    image: 32,
  },
  {
    id: 8,
    name: 'Joel Willis',
    email: 'joel.willis63@example.com',
    phone: '(683)-556-5104',
    street: '858 Lynn Street',
    city: 'Bayonne',
    zip: '07002',
    image: 30,
  },
  {
    id: 9,
    name: 'Wood Corner',
    company: true,
    email: 'wood.corner26@example.com',
    phone: '(623)-853-7197',
    street: '1839 Arbor Way',
    city: 'Turlock',
    zip: '95380',
    state: CALIFORNIA,
    categories: [7, 6],
    website: 'http://www.wood-corner.com',
    vat: 'US12345672',
    image: 48,
    customerRank: 2,
  },
  {
    id: 10,
    name: 'Deco Addict',
    company: true,
    email: 'deco_addict@yourcompany.example.com',
    phone: '(603)-996-3829',
    street: '77 Santa Barbara Rd',
    city: 'Pleasant Hill',
    zip: '94523',
    state: CALIFORNIA,
    categories: [7],
    website: 'http://www.deco-addict.com',
    vat: 'US12345673',
    image: 48,
    customerRank: 4,
  },
  {
    id: 11,
    name: 'Gemini Furniture',
    company: true,
    email: 'gemini.furniture39@example.com',
    phone: '(941)-284-4875',
    street: '317 Fairchild Dr',
    city: 'Fairfield',
    zip: '94535',
    state: CALIFORNIA,
    categories: [6],
    website: 'http://www.gemini-furniture.com',
    vat: 'US12345674',
    image: 48,
    customerRank: 5,
  },
  {
    id: 12,
    name: 'Ready Mat',
    company: true,
    email: 'ready.mat28@example.com',
    phone: '(803)-873-6126',
    street: '7500 W Linne Road',
    city: 'Tracy',
    zip: '95304',
    state: CALIFORNIA,
    categories: [5, 6],
    website: 'http://www.ready-mat.com',
    vat: 'US12345675',
    image: 48,
    customerRank: 3,
  },
  {
    id: 13,
    name: 'The Jackson Group',
    company: true,
    email: 'jackson.group82@example.com',
    phone: '(334)-502-1024',
    street: '1611 Peony Dr',
    city: 'Tracy',
    zip: '95377',
    state: CALIFORNIA,
    website: 'http://www.jackson-group.com',
    image: 48,
    customerRank: 1,
  },
  {
    id: 14,
    name: 'Azure Interior',
    company: true,
    email: 'azure.Interior24@example.com',
    phone: '(870)-931-0505',
    street: '4557 De Silva St',
    city: 'Fremont',
    zip: '94538',
    state: CALIFORNIA,
    categories: [5],
    website: 'http://www.azure-interior.com',
    vat: 'US12345677',
    image: 22,
    customerRank: 3,
    supplierRank: 4,
    extra: {
      signup_token: 'SSVdKFmkbhRN1uTetMe2',
      signup_type: 'signup',
      journal_item_count: 30,
      has_unreconciled_entries: true,
      property_payment_term_id: [6, 'End of Following Month'],
      property_supplier_payment_term_id: [6, 'End of Following Month'],
      invoice_ids: [10, 5, 1, 9, 8, 21, 20, 18, 11, 7],
      contract_ids: [15, 6, 13, 11],
    },
  },
  {
    id: 15,
    name: 'Lumber Inc',
    company: true,
    email: 'lumber-inv92@example.com',
    phone: '(828)-316-0593',
    street: '1337 N San Joaquin St',
    city: 'Stockton',
    zip: '95202',
    state: CALIFORNIA,
    categories: [2],
    website: 'http://www.lumber-inc.com',
    vat: 'US12345679',
    image: 48,
    supplierRank: 2,
  },
];

const PERSONS: Array<[number, string, number | undefined, string, string]> = [
  [16, 'Willie Burke', 9, 'willie.burke80@example.com', 'Service Manager'],
  [17, 'Ron Gibson', 9, 'ron.gibson76@example.com', 'Store Manager'],
  [18, 'Douglas Fletcher', 10, 'douglas.fletcher51@example.com', 'Functional Consultant'],
  [19, 'Floyd Steward', 10, 'floyd.steward34@example.com', 'Analyst'],
  [20, 'Edwin Hansen', 11, 'edwin.hansen58@example.com', 'Marketing Manager'],
  [21, 'Jesse Brown', 11, 'jesse.brown74@example.com', 'Senior Consultant'],
  [22, 'Soham Palmer', 11, 'soham.palmer15@example.com', 'Director'],
  [23, 'Kim Snyder', 12, 'kim.snyder96@example.com', 'Sales Manager'],
  [24, 'Edith Sanchez', 12, 'edith.sanchez68@example.com', 'Head of Purchasing'],
  [25, 'Oscar Morgan', 12, 'oscar.morgan11@example.com', 'Order Clerk'],
  [26, 'Brandon Freeman', 14, 'brandon.freeman55@example.com', 'Creative Director'],
  [27, 'Nicole Ford', 14, 'nicole.ford75@example.com', 'Director'],
  [28, 'Toni Rhodes', 13, 'toni.rhodes11@example.com', 'Managing Partner'],
  [29, 'Gordon Owens', 13, 'gordon.owens47@example.com', 'Sales Manager'],
  [30, 'Billy Fox', 15, 'billy.fox45@example.com', 'Production Supervisor'],
  [31, 'Theodore Gardner', 15, 'theodore.gardner36@example.com', 'Purchase Manager'],
  [32, 'Lorraine Douglas', undefined, 'lorraine.douglas35@example.com', 'Functional Consultant'],
  [33, 'Colleen Diaz', 14, 'colleen.diaz83@example.com', 'Business Executive'],
  [34, 'Tom Ruiz', undefined, 'tom.ruiz89@example.com', 'Software Developer'],
  [35, 'Addison Olson', 10, 'addison.olson28@example.com', 'Recruitment Officer'],
  [36, 'Julie Richards', undefined, 'julie.richards84@example.com', 'Financial Manager'],
  [37, 'Travis Mendoza', undefined, 'travis.mendoza24@example.com', 'Consultant'],
  [38, 'Chester Reed', undefined, 'chester.reed79@example.com', 'Chief Operations Officer'],
  [39, 'Jeff Lawson', undefined, 'jeff.lawson52@example.com', 'Technical Director'],
  [40, 'Dwayne Newman', undefined, 'dwayne.newman28@example.com', 'Chief Operations Officer'],
];

const SALE_ORDERS: Array<[number, number, 'draft' | 'sent' | 'sale' | 'cancel', number]> = [
  // [id, partner, state, days before the install time]
  [1, 12, 'draft', 9],
  [2, 11, 'sent', 8],
  [3, 12, 'draft', 6],
  [4, 13, 'draft', 12],
  [5, 10, 'sent', 5],
  [6, 9, 'sale', 11],
  [7, 12, 'sale', 7],
  [8, 13, 'sale', 4],
  [9, 10, 'sale', 14],
  [10, 13, 'sale', 3],
  [11, 25, 'cancel', 20],
  [12, 9, 'draft', 2],
  [13, 15, 'sale', 10],
  [14, 11, 'sale', 0],
  [15, 28, 'draft', 1],
  [16, 11, 'sale', 0],
  [17, 10, 'sale', 16],
  [18, 15, 'sent', 13],
  [19, 12, 'sale', 18],
  [20, 9, 'draft', 21],
];

/**
 * The demo products of Odoo 17 (modules product and sale), with their ids:
 * [variant id, template id, name, internal reference, sales price, type, variant values].
 */
const PRODUCTS: Array<
  [number, number, string, string | null, number, 'consu' | 'service', string?]
> = [
  [1, 1, 'Restaurant Expenses', null, 14, 'service'],
  [2, 2, 'Hotel Accommodation', null, 400, 'service'],
  [3, 3, 'Virtual Interior Design', null, 30.75, 'service'],
  [4, 4, 'Virtual Home Staging', null, 38.25, 'service'],
  [5, 5, 'Office Chair', 'FURN_7777', 70, 'consu'],
  [6, 6, 'Office Lamp', 'FURN_8888', 40, 'consu'],
  [7, 7, 'Office Design Software', 'FURN_9999', 280, 'consu'],
  [8, 8, 'Desk Combination', 'FURN_7800', 450, 'consu'],
  [12, 9, 'Customizable Desk', 'FURN_0096', 750, 'consu', 'Steel, White'],
  [13, 9, 'Customizable Desk', 'FURN_0097', 750, 'consu', 'Steel, Black'],
  [14, 9, 'Customizable Desk', 'FURN_0098', 750, 'consu', 'Aluminium, White'],
  [16, 10, 'Corner Desk Right Sit', 'E-COM06', 147, 'consu'],
  [17, 11, 'Large Cabinet', 'E-COM07', 320, 'consu'],
  [18, 12, 'Storage Box', 'E-COM08', 15.8, 'consu'],
  [19, 13, 'Large Desk', 'E-COM09', 1799, 'consu'],
  [20, 14, 'Pedal Bin', 'E-COM10', 47, 'consu'],
  [21, 15, 'Cabinet with Doors', 'E-COM11', 140, 'consu'],
  [23, 16, 'Conference Chair', 'E-COM12', 33, 'consu', 'Steel'],
  [24, 16, 'Conference Chair', 'E-COM13', 33, 'consu', 'Aluminium'],
  [25, 17, 'Office Chair Black', 'FURN_0269', 120.5, 'consu'],
  [26, 18, 'Corner Desk Left Sit', 'FURN_1118', 85, 'consu'],
  [27, 19, 'Drawer Black', 'FURN_8900', 25, 'consu'],
  [28, 20, 'Flipover', 'FURN_9001', 1950, 'consu'],
  [29, 21, 'Desk Stand with Screen', 'FURN_7888', 2100, 'consu'],
  [30, 22, 'Individual Workplace', 'FURN_0789', 885, 'consu'],
  [31, 23, 'Acoustic Bloc Screens', 'FURN_6666', 295, 'consu'],
  [32, 24, 'Drawer', 'FURN_8855', 110.5, 'consu'],
  [33, 25, 'Four Person Desk', 'FURN_8220', 2350, 'consu'],
  [34, 26, 'Large Meeting Table', 'FURN_6741', 4000, 'consu'],
  [35, 27, 'Three-Seat Sofa', 'FURN_8999', 1500, 'consu'],
  [36, 9, 'Customizable Desk', 'DESK0005', 750, 'consu', 'Custom, White'],
  [37, 9, 'Customizable Desk', 'DESK0006', 750, 'consu', 'Custom, Black'],
  [38, 28, 'Deposit', null, 150, 'service'],
  [39, 29, 'Chair floor protection', null, 12, 'consu'],
];

/** The products of the demo order lines, which carry their names. */
const LINE_PRODUCTS = [6, 31, 5, 17, 12, 19, 27, 23];

/** [line id, quantity, unit price] for the orders whose totals the recordings show. */
const RECORDED_LINES: Record<number, Array<[number, number, number]>> = {
  14: [
    [30, 3, 500.0],
    [31, 1, 319.3],
  ],
  16: [
    [34, 1, 1000.0],
    [35, 2, 182.24],
  ],
};

const CONFIG_PARAMETERS: Array<[string, string]> = [
  ['base.login_cooldown_after', '10'],
  ['base.login_cooldown_duration', '60'],
  ['database.create_date', ''],
  ['database.uuid', 'f1b2c3d4-5e6f-11ef-8a9b-0242ac120002'],
  ['web.base.url', 'http://localhost:8069'],
];

/** A demo product as Odoo shows it: `[reference] name (variant values)`. */
function productDisplayName(id: number): string {
  const [, , name, code, , , values] = PRODUCTS.find((product) => product[0] === id)!;
  return `${code ? `[${code}] ` : ''}${name}${values ? ` (${values})` : ''}`;
}

/** Modules of the demo databases (the real ones have some fifty). */
const MODULES: Array<[name: string, title: string, state: string]> = [
  ['base', 'Base', 'installed'],
  ['web', 'Web', 'installed'],
  ['bus', 'IM Bus', 'installed'],
  ['mail', 'Discuss', 'installed'],
  ['contacts', 'Contacts', 'installed'],
  ['product', 'Products & Pricelists', 'installed'],
  ['uom', 'Units of measure', 'installed'],
  ['sale', 'Sales', 'installed'],
  ['sale_management', 'Sales', 'installed'],
  ['account', 'Invoicing', 'installed'],
  ['crm', 'CRM', 'uninstalled'],
  ['stock', 'Inventory', 'uninstalled'],
];

/** A few of the External IDs that Odoo's base module and demo data give these records. */
const EXTERNAL_IDS: Array<[module: string, name: string, model: string, resId: number]> = [
  ['base', 'main_partner', 'res.partner', 1],
  ['base', 'partner_root', 'res.partner', 2],
  ['base', 'partner_admin', 'res.partner', 3],
  ['base', 'res_partner_1', 'res.partner', 9],
  ['base', 'res_partner_2', 'res.partner', 10],
  ['base', 'res_partner_3', 'res.partner', 11],
  ['base', 'res_partner_12', 'res.partner', 14],
  ['base', 'user_root', 'res.users', 1],
  ['base', 'user_admin', 'res.users', 2],
  ['base', 'be', 'res.country', BELGIUM],
  ['base', 'us', 'res.country', US],
];

export interface DemoDatabase {
  rows: Record<string, Row[]>;
  nextIds: Record<string, number>;
}

/** Odoo's datetime text, 'YYYY-MM-DD HH:MM:SS' in UTC. */
export function serverDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The database right after installation, `installedAt` being when the demo data was loaded
 * (the recordings show demo write_dates a few minutes before the capture).
 */
export function demoDatabase(installedAt: Date): DemoDatabase {
  const at = (seconds: number): string =>
    serverDatetime(new Date(installedAt.getTime() + seconds * 1000));
  const log = (
    createdSeconds: number,
    writtenSeconds: number,
    user = 1,
  ): Record<string, unknown> => ({
    create_uid: user,
    create_date: at(createdSeconds),
    write_uid: user,
    write_date: at(writtenSeconds),
  });
  const rows: Record<string, Row[]> = {};

  rows['res.country'] = countryRows().map((country) => ({
    id: country.id,
    name: country.name,
    code: country.code,
    ...log(0, 0),
  }));
  rows['res.country.state'] = STATES.map(([id, name, code, country]) => ({
    id,
    name,
    code,
    country_id: country,
    ...log(0, 0),
  }));
  rows['res.partner.category'] = PARTNER_CATEGORIES.map(([id, name, color]) => ({
    id,
    name,
    color,
    parent_id: null,
    active: true,
    ...log(30, 30),
  }));

  const partners: Row[] = [];
  for (const seed of PARTNERS) {
    partners.push({
      id: seed.id,
      name: seed.name,
      parent_id: seed.parent ?? null,
      is_company: seed.company ?? false,
      email: seed.email ?? null,
      phone: seed.phone ?? null,
      function: seed.function ?? null,
      street: seed.street ?? null,
      city: seed.city ?? null,
      zip: seed.zip ?? null,
      state_id: seed.state ?? null,
      country_id: seed.active === false ? null : US,
      category_id: seed.categories ?? [],
      active: seed.active ?? true,
      image_1920: seed.image ? demoPng(seed.id, seed.image) : null,
      website: seed.website ?? null,
      vat: seed.vat ?? null,
      lang: 'en_US',
      type: 'contact',
      customer_rank: seed.customerRank ?? 0,
      supplier_rank: seed.supplierRank ?? 0,
      ...(seed.extra ?? {}),
      ...log(seed.id === 14 ? 34 : 2, seed.id === 1 || seed.id === 4 ? 26 : 31),
    });
  }
  for (const [id, name, parent, email, job] of PERSONS) {
    partners.push({
      id,
      name,
      parent_id: parent ?? null,
      is_company: false,
      email,
      function: job,
      country_id: US,
      category_id: [],
      active: true,
      image_1920: demoPng(id, 32),
      lang: 'en_US',
      type: 'contact',
      customer_rank: 0,
      supplier_rank: 0,
      ...log(36, 40),
    });
  }
  // Imported text can carry control characters that XML cannot: Odoo 17+ strips them on output.
  partners.find((partner) => partner.id === 34)!.comment = '<p>Imported from the old CRM\u000b</p>';
  rows['res.partner'] = partners;

  rows['res.users'] = DEMO_USERS.map((user) => ({
    id: user.id,
    login: user.login,
    partner_id: user.partnerId,
    active: user.active,
    login_date: null,
    ...log(0, user.id === 2 ? 45 : 20),
  }));

  const orders: Row[] = [];
  const lines: Row[] = [];
  for (const [id, partner, state, daysBefore] of SALE_ORDERS) {
    const placedAt = serverDatetime(
      new Date(installedAt.getTime() + 52_000 - daysBefore * 86_400_000),
    );
    orders.push({
      id,
      name: `S${String(id).padStart(5, '0')}`,
      partner_id: partner,
      date_order: placedAt,
      state,
      user_id: id % 3 === 0 ? 6 : 2,
      client_order_ref: null,
      note: null,
      validity_date: placedAt.slice(0, 10),
      ...log(50, 52, 2),
    });
    const recorded = RECORDED_LINES[id] ?? [
      [2 * id + 2, 1 + (id % 4), 100 + ((id * 37) % 900) + 0.5],
      [2 * id + 3, 1 + (id % 3), 45 + ((id * 53) % 400) + 0.25],
    ];
    recorded.forEach(([lineId, quantity, price], index) => {
      lines.push({
        id: lineId,
        order_id: id,
        sequence: 10 + index,
        product_id: LINE_PRODUCTS[(lineId * 3) % LINE_PRODUCTS.length],
        name: productDisplayName(LINE_PRODUCTS[(lineId * 3) % LINE_PRODUCTS.length]),
        product_uom_qty: quantity,
        price_unit: price,
        ...log(50, 52, 2),
      });
    });
  }
  rows['sale.order'] = orders;
  rows['sale.order.line'] = lines;

  const templates = new Map<number, Row>();
  for (const [, templateId, name, , price, type] of PRODUCTS) {
    if (templates.has(templateId)) continue;
    templates.set(templateId, {
      id: templateId,
      name,
      description_sale: null,
      type,
      detailed_type: type,
      list_price: price,
      sale_ok: true,
      active: true,
      is_favorite: false,
      ...log(20, 20),
    });
  }
  rows['product.template'] = [...templates.values()];
  rows['product.product'] = PRODUCTS.map(([id, templateId, , code, , , values]) => ({
    id,
    product_tmpl_id: templateId,
    default_code: code,
    barcode: null,
    active: true,
    variant_name: values ?? null,
    ...log(20, 20),
  }));
  rows['mail.followers'] = [];

  rows['ir.config_parameter'] = CONFIG_PARAMETERS.map(([key, value], index) => ({
    id: index + 1,
    key,
    value: key === 'database.create_date' ? at(0) : value,
    ...log(0, 0),
  }));
  rows['ir.model'] = MODEL_SPECS.map((spec, index) => ({
    id: 80 + index * 3,
    name: spec.description,
    model: spec.name,
    info: null,
    state: 'base',
    transient: false,
    modules: spec.name.startsWith('sale.')
      ? 'sale'
      : spec.name.startsWith('mail.')
        ? 'mail'
        : spec.name.startsWith('product.')
          ? 'product'
          : 'base',
    ...log(0, 0),
  }));
  rows['mail.message'] = [];
  rows['ir.attachment'] = [];
  rows['ir.module.module'] = MODULES.map(([name, shortdesc, state], index) => ({
    id: index + 1,
    name,
    shortdesc,
    state,
    ...log(0, 0),
  }));
  rows['ir.model.data'] = EXTERNAL_IDS.map(([module, name, model, resId], index) => ({
    id: index + 1,
    module,
    name,
    model,
    res_id: resId,
    noupdate: false,
    ...log(0, 0),
  }));

  return {
    rows,
    nextIds: {
      'res.partner': 43,
      'res.users': 8,
      'sale.order': 21,
      'sale.order.line': 44,
      'res.partner.category': 8,
      'mail.message': 1,
      'mail.followers': 1,
      'product.template': 30,
      'product.product': 40,
      'ir.config_parameter': CONFIG_PARAMETERS.length + 1,
      'ir.attachment': 1,
      'ir.module.module': MODULES.length + 1,
      'ir.model.data': EXTERNAL_IDS.length + 1,
    },
  };
}
