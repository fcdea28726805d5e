/**
 * Pieces of the new job form: a labelled field with its hint and, beside
 * it, the server's error for that field, and a number input whose blank
 * value means "the server's default", which it shows as the placeholder.
 */
import type { ReactNode } from 'react';
import type {
  FieldErrors,
  FieldName,
  FormValues,
  NumberKey,
} from './spec-form.ts';

export type SetValue = <K extends keyof FormValues>(
  key: K,
  value: FormValues[K],
) => void;

export function inputId(name: string): string {
  return `field-${name.replace(/\W/g, '-')}`;
}

export function errorId(name: string): string {
  return `error-${name.replace(/\W/g, '-')}`;
}

/** Props that tie an input to its field's error for assistive technology. */
export function describedBy(name: FieldName, errors: FieldErrors) {
  const invalid = errors[name] !== undefined;
  return {
    id: inputId(name),
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? errorId(name) : undefined,
  };
}

interface FieldProps {
  name: FieldName;
  label: string;
  hint?: ReactNode;
  errors: FieldErrors;
  children: ReactNode;
  /** More about the error, shown under its message when there is one. */
  detail?: ReactNode;
}

export function Field(props: FieldProps) {
  const { name, label, hint, errors, children } = props;
  const error = errors[name];
  return (
    <div className={error ? 'field has-error' : 'field'} data-field={name}>
      <label className="label" htmlFor={inputId(name)}>
        {label}
      </label>
      {children}
      {hint ? <small className="hint">{hint}</small> : null}
      {error ? (
        <p
          className="field-error"
          id={errorId(name)}
          data-testid={`error-${name}`}
          role="alert"
        >
          {error.message}
        </p>
      ) : null}
      {error ? props.detail : null}
    </div>
  );
}

interface NumberProps {
  name: FieldName;
  valueKey: NumberKey;
  label: string;
  /** The server's default, shown as placeholder and hint. */
  defaultText: string;
  values: FormValues;
  set: SetValue;
  errors: FieldErrors;
  step?: string;
  unit?: string;
}

export function NumberField(props: NumberProps) {
  const { name, valueKey, values, set, errors } = props;
  return (
    <Field
      name={name}
      label={props.unit ? `${props.label} (${props.unit})` : props.label}
      hint={`Default: ${props.defaultText}`}
      errors={errors}
    >
      <input
        type="number"
        inputMode="decimal"
        step={props.step ?? 'any'}
        placeholder={props.defaultText}
        data-testid={`input-${name}`}
        value={values[valueKey]}
        onChange={(e) => set(valueKey, e.currentTarget.value)}
        {...describedBy(name, errors)}
      />
    </Field>
  );
}
