/*
 * The stand-in's @kbn/config-schema (and @osd/config-schema): the small subset plugins like ours use,
 * following Kibana's src/platform/packages/shared/kbn-config-schema (src/types/type.ts, object_type.ts,
 * string_type.ts, boolean_type.ts, number_type.ts, maybe_type.ts, array_type.ts, typeguards/is_config_schema.ts)
 * and OSD's packages/osd-config-schema, whose typeguard looks for `__isOsdConfigSchemaType` instead.
 * Plain CommonJS: the stand-in installs it into its host folder's node_modules, where a require() from the
 * installed plugin finds it as it finds the host's own package (docs/host_compatibility.md).
 */
'use strict';

class ValidationError extends Error {
  constructor(key, message, namespace) {
    const where = [namespace, key].filter(Boolean).join('.');
    super(where ? `[${where}]: ${message}` : message);
    this.key = key;
    this.detail = message;
  }
}

const typeName = (v) => (v === null ? 'null' : Array.isArray(v) ? 'Array' : typeof v);

function create(flavour) {
  const marker = flavour === 'osd' ? '__isOsdConfigSchemaType' : '__isKbnConfigSchemaType';

  class Type {
    constructor(check, options = {}) {
      this[marker] = true;
      this.check = check;
      this.options = options;
    }
    /** validate(value, context, namespace) as Type#validate: defaults applied, errors name the key. */
    validate(value, context = {}, namespace) {
      try {
        return this.run(value, '', context);
      } catch (error) {
        if (error instanceof ValidationError && namespace)
          throw new ValidationError(error.key, error.detail, namespace);
        throw error;
      }
    }
    run(value, key, context) {
      if (value === undefined && 'defaultValue' in this.options) {
        const d = this.options.defaultValue;
        value = typeof d === 'function' ? d(context) : d;
      }
      const result = this.check(value, key, context);
      if (this.options.validate) {
        const message = this.options.validate(result);
        if (typeof message === 'string') throw new ValidationError(key, message);
      }
      return result;
    }
  }

  const expected = (type, key, v) => {
    throw new ValidationError(key, `expected value of type [${type}] but got [${typeName(v)}]`);
  };
  const join = (key, k) => (key ? `${key}.${k}` : k);

  const schema = {
    any: (options) => new Type((v) => v, options),
    string: (options = {}) =>
      new Type((v, key) => {
        if (typeof v !== 'string') expected('string', key, v);
        if (options.minLength !== undefined && v.length < options.minLength)
          throw new ValidationError(
            key,
            `value has length [${v.length}] but it must have a minimum length of [${options.minLength}].`,
          );
        if (options.maxLength !== undefined && v.length > options.maxLength)
          throw new ValidationError(
            key,
            `value has length [${v.length}] but it must have a maximum length of [${options.maxLength}].`,
          );
        return v;
      }, options),
    number: (options = {}) =>
      new Type((v, key) => {
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || Number.isNaN(n)) expected('number', key, v);
        if (options.min !== undefined && n < options.min)
          throw new ValidationError(key, `Value must be equal to or greater than [${options.min}].`);
        if (options.max !== undefined && n > options.max)
          throw new ValidationError(key, `Value must be equal to or lower than [${options.max}].`);
        return n;
      }, options),
    boolean: (options) =>
      new Type((v, key) => {
        if (v === 'true' || v === 'false') return v === 'true';
        if (typeof v !== 'boolean') expected('boolean', key, v);
        return v;
      }, options),
    maybe: (type) => new Type((v, key, context) => (v === undefined ? undefined : type.run(v, key, context))),
    arrayOf: (type, options = {}) =>
      new Type((v, key, context) => {
        if (!Array.isArray(v)) expected('Array', key, v);
        return v.map((item, i) => type.run(item, join(key, String(i)), context));
      }, options),
    /** unknowns: 'forbid' (default: "[key]: definition for this key is missing"), 'ignore' (dropped), 'allow' (kept). */
    object: (props = {}, options = {}) =>
      new Type((v, key, context) => {
        const value = v === undefined ? {} : v;
        if (!value || typeof value !== 'object' || Array.isArray(value)) expected('object', key, v);
        const unknowns = options.unknowns || 'forbid';
        const out = {};
        for (const k of Object.keys(value)) {
          if (k in props) continue;
          if (unknowns === 'forbid') throw new ValidationError(join(key, k), 'definition for this key is missing');
          if (unknowns === 'allow') out[k] = value[k];
        }
        for (const [k, type] of Object.entries(props)) {
          const r = type.run(value[k], join(key, k), context);
          if (r !== undefined) out[k] = r;
        }
        return out;
      }, options),
  };

  const isConfigSchema = (obj) => (obj ? obj[marker] === true : false);
  return { schema, Type, ValidationError, isConfigSchema };
}

module.exports = { create };
