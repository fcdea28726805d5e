/**
 * The new job form. Submitting creates the job; for a JSON Lines or CSV
 * file the job is created with `upload: true` and the file is then streamed
 * as the body of `POST /api/jobs/:id/inputs`. If that upload is refused, the
 * empty job is cancelled, so a fixed file makes a fresh job.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Api } from './api.ts';
import { CodeField } from './CodeField.tsx';
import { Field, describedBy, type SetValue } from './form-parts.tsx';
import { InputsField } from './InputsField.tsx';
import { ReplicationFields, SchedulingFields } from './ReplicationFields.tsx';
import { BASE, navigate } from './router.tsx';
import {
  buildSubmission,
  EMPTY_FORM,
  errorsFrom,
  type FieldErrors,
  type FormValues,
} from './spec-form.ts';
import type { JobView } from '../../../shared/api-types.ts';

type Phase = 'editing' | 'creating' | 'uploading';

export function NewJob({ api }: { api: Api }) {
  const [values, setValues] = useState<FormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [phase, setPhase] = useState<Phase>('editing');
  const form = useRef<HTMLFormElement>(null);

  const set: SetValue = (key, value) =>
    setValues((v) => ({ ...v, [key]: value }));

  useEffect(() => {
    form.current
      ?.querySelector('.has-error, .form-error')
      ?.scrollIntoView({ block: 'center' });
  }, [errors]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setPhase('creating');
    try {
      const id = await create(api, values, () => setPhase('uploading'));
      navigate(`${BASE}/jobs/${encodeURIComponent(id)}`);
    } catch (err) {
      setErrors(errorsFrom(err, values));
      setPhase('editing');
    }
  };

  const common = { values, set, errors };
  return (
    <section aria-labelledby="new-job-heading">
      <h1 id="new-job-heading">New job</h1>
      <form
        ref={form}
        className="card job-form"
        onSubmit={submit}
        noValidate
        data-testid="new-job-form"
      >
        <fieldset>
          <legend>About</legend>
          <Field name="name" label="Name" errors={errors}>
            <input
              type="text"
              data-testid="input-name"
              value={values.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              {...describedBy('name', errors)}
            />
          </Field>
          <Field
            name="description"
            label="Description"
            errors={errors}
            hint="Optional. Volunteers see it while they run your tasks."
          >
            <input
              type="text"
              data-testid="input-description"
              value={values.description}
              onChange={(e) => set('description', e.currentTarget.value)}
              {...describedBy('description', errors)}
            />
          </Field>
          <CodeField {...common} />
        </fieldset>
        <InputsField {...common} />
        <ReplicationFields {...common} />
        <SchedulingFields {...common} />
        {errors.form ? (
          <p className="error form-error" role="alert" data-testid="error-form">
            {errors.form.message}
          </p>
        ) : null}
        <div className="actions">
          <button
            type="submit"
            className="primary"
            data-testid="submit-job-button"
            disabled={phase !== 'editing'}
          >
            {phase === 'creating'
              ? 'Creating…'
              : phase === 'uploading'
                ? `Uploading ${values.inputsFile?.name ?? 'inputs'}…`
                : 'Submit job'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Creates the job and streams its inputs file if it has one; returns its id. */
async function create(
  api: Api,
  values: FormValues,
  onUploading: () => void,
): Promise<string> {
  const submission = await buildSubmission(values);
  const job = await api.post<JobView>('/api/jobs', submission.spec);
  if (!submission.upload) return job.id;
  onUploading();
  const { file, contentType } = submission.upload;
  const path = `/api/jobs/${encodeURIComponent(job.id)}/inputs`;
  try {
    await api.upload(path, file, contentType);
  } catch (err) {
    // The job holds no inputs and never will: take it out of the way.
    await api
      .post(`/api/jobs/${encodeURIComponent(job.id)}/cancel`)
      .catch(() => undefined);
    throw err;
  }
  return job.id;
}
