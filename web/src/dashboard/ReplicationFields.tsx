/**
 * How many volunteers run each task and how their results are compared, and
 * how the scheduler weighs the job. Blank fields take the server's defaults,
 * which are shown as they would apply to what is typed.
 */
import {
  describedBy,
  Field,
  NumberField,
  type SetValue,
} from './form-parts.tsx';
import { defaultMaxReplicas, SPEC_DEFAULTS } from './spec-defaults.ts';
import type { CompareMode, FieldErrors, FormValues } from './spec-form.ts';

interface Props {
  values: FormValues;
  set: SetValue;
  errors: FieldErrors;
}

function typed(text: string, fallback: number): number {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) ? fallback : n;
}

export function ReplicationFields({ values, set, errors }: Props) {
  const common = { values, set, errors };
  const quorum = typed(values.quorum, SPEC_DEFAULTS.quorum);
  const redundancy = typed(values.redundancy, quorum);
  return (
    <fieldset>
      <legend>Verification</legend>
      <div className="row3">
        <NumberField
          name="quorum"
          valueKey="quorum"
          label="Quorum"
          defaultText={String(SPEC_DEFAULTS.quorum)}
          step="1"
          {...common}
        />
        <NumberField
          name="redundancy"
          valueKey="redundancy"
          label="Redundancy"
          defaultText={`the quorum (${quorum})`}
          step="1"
          {...common}
        />
        <NumberField
          name="maxReplicas"
          valueKey="maxReplicas"
          label="Max replicas"
          defaultText={String(defaultMaxReplicas(redundancy, quorum))}
          step="1"
          {...common}
        />
      </div>
      <p className="fine">
        Each task goes to <em>redundancy</em> volunteers at first; it settles
        when <em>quorum</em> results agree, and more are sent while they
        disagree, up to <em>max replicas</em>.
      </p>
      <Field
        name="compare"
        label="Compare results"
        errors={errors}
        hint="Default: exact"
      >
        <select
          data-testid="input-compare"
          value={values.compare}
          onChange={(e) => set('compare', e.currentTarget.value as CompareMode)}
          {...describedBy('compare', errors)}
        >
          <option value="exact">exactly (canonical JSON)</option>
          <option value="tolerance">numbers within a tolerance</option>
        </select>
      </Field>
      {values.compare === 'tolerance' ? (
        <div className="row3">
          <NumberField
            name="compare.abs"
            valueKey="abs"
            label="Absolute tolerance"
            defaultText={String(SPEC_DEFAULTS.abs)}
            {...common}
          />
          <NumberField
            name="compare.rel"
            valueKey="rel"
            label="Relative tolerance"
            defaultText={String(SPEC_DEFAULTS.rel)}
            {...common}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

export function SchedulingFields({ values, set, errors }: Props) {
  const common = { values, set, errors };
  return (
    <fieldset>
      <legend>Scheduling</legend>
      <div className="row3">
        <NumberField
          name="timeoutMs"
          valueKey="timeoutMs"
          label="Timeout per task"
          unit="ms"
          defaultText={String(SPEC_DEFAULTS.timeoutMs)}
          step="1"
          {...common}
        />
        <NumberField
          name="weight"
          valueKey="weight"
          label="Weight"
          defaultText={String(SPEC_DEFAULTS.weight)}
          {...common}
        />
        <NumberField
          name="estimatedTaskMs"
          valueKey="estimatedTaskMs"
          label="Estimated task time"
          unit="ms"
          defaultText={String(SPEC_DEFAULTS.estimatedTaskMs)}
          {...common}
        />
      </div>
      <p className="fine">
        Jobs with more weight per estimated millisecond are served first.
      </p>
    </fieldset>
  );
}
