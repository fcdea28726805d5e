/**
 * Where a job's inputs come from: a pasted JSON array, a file, or a range of
 * integers. A JSON Lines or CSV file is streamed to the server after the job
 * is created, never read into the page.
 */
import { formatBytes, formatCount } from './format.ts';
import {
  describedBy,
  Field,
  NumberField,
  type SetValue,
} from './form-parts.tsx';
import {
  fileKind,
  type FieldErrors,
  type FormValues,
  type InputsMode,
} from './spec-form.ts';

interface Props {
  values: FormValues;
  set: SetValue;
  errors: FieldErrors;
}

const MODES: { mode: InputsMode; label: string }[] = [
  { mode: 'json', label: 'JSON array' },
  { mode: 'file', label: 'File' },
  { mode: 'range', label: 'Range' },
];

export function InputsField({ values, set, errors }: Props) {
  return (
    <fieldset className="inputs">
      <legend>Inputs</legend>
      <div className="segmented" role="radiogroup" aria-label="Inputs from">
        {MODES.map(({ mode, label }) => (
          <label key={mode} className={values.inputsMode === mode ? 'on' : ''}>
            <input
              type="radio"
              name="inputs-mode"
              value={mode}
              data-testid={`inputs-mode-${mode}`}
              checked={values.inputsMode === mode}
              onChange={() => set('inputsMode', mode)}
            />
            {label}
          </label>
        ))}
      </div>
      {values.inputsMode === 'json' ? (
        <JsonInputs {...{ values, set, errors }} />
      ) : null}
      {values.inputsMode === 'file' ? (
        <FileInputs {...{ values, set, errors }} />
      ) : null}
      {values.inputsMode === 'range' ? (
        <RangeInputs {...{ values, set, errors }} />
      ) : null}
    </fieldset>
  );
}

function JsonInputs({ values, set, errors }: Props) {
  return (
    <Field
      name="inputs"
      label="One task per element"
      errors={errors}
      hint='Any JSON values, e.g. [1, 2, 3] or [{"a": 1}, {"a": 2}].'
    >
      <textarea
        className="code"
        rows={4}
        spellCheck={false}
        placeholder="[1, 2, 3]"
        data-testid="inputs-json-input"
        value={values.inputsJson}
        onChange={(e) => set('inputsJson', e.currentTarget.value)}
        {...describedBy('inputs', errors)}
      />
    </Field>
  );
}

function FileInputs({ values, set, errors }: Props) {
  const file = values.inputsFile;
  const kind = file ? fileKind(file.name) : null;
  const how = !file
    ? 'A .json file holds one JSON array; .jsonl or .ndjson one JSON value ' +
      'a line; .csv a header, then one task a row.'
    : !kind
      ? `${file.name} is not .json, .jsonl, .ndjson or .csv.`
      : kind.kind === 'inline'
        ? `${file.name} (${formatBytes(file.size)}) is read and sent with the job.`
        : `${file.name} (${formatBytes(file.size)}) is streamed to the ` +
          'server once the job is created.';
  const error = errors.inputs;
  return (
    <Field
      name="inputs"
      label="Inputs file"
      errors={errors}
      hint={how}
      detail={
        error?.line !== undefined && file ? (
          <p className="fine" data-testid="inputs-error-line">
            At line {error.line} of {file.name}.
          </p>
        ) : null
      }
    >
      <input
        type="file"
        accept=".json,.jsonl,.ndjson,.csv,application/json,text/csv"
        data-testid="inputs-file-input"
        onChange={(e) => set('inputsFile', e.currentTarget.files?.[0] ?? null)}
        {...describedBy('inputs', errors)}
      />
    </Field>
  );
}

function RangeInputs({ values, set, errors }: Props) {
  const common = { values, set, errors };
  const start = Number(values.rangeStart);
  const end = Number(values.rangeEnd);
  const step = values.rangeStep.trim() === '' ? 1 : Number(values.rangeStep);
  const valid =
    values.rangeStart.trim() !== '' &&
    values.rangeEnd.trim() !== '' &&
    [start, end, step].every(Number.isInteger) &&
    end > start &&
    step > 0;
  return (
    <>
      <div className="row3">
        <NumberField
          name="range.start"
          valueKey="rangeStart"
          label="Start"
          defaultText="required"
          step="1"
          {...common}
        />
        <NumberField
          name="range.end"
          valueKey="rangeEnd"
          label="End (exclusive)"
          defaultText="required"
          step="1"
          {...common}
        />
        <NumberField
          name="range.step"
          valueKey="rangeStep"
          label="Step"
          defaultText="1"
          step="1"
          {...common}
        />
      </div>
      <p className="fine" data-testid="range-summary">
        {valid
          ? `${formatCount(Math.ceil((end - start) / step))} tasks, each ` +
            'given { start, end } with end exclusive.'
          : 'Each task is given { start, end }: a chunk of step integers, end exclusive.'}
      </p>
      {errors.inputs ? (
        <p className="field-error" data-testid="error-inputs" role="alert">
          {errors.inputs.message}
        </p>
      ) : null}
    </>
  );
}
