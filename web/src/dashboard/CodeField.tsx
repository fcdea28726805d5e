/**
 * The job code: a `.js`/`.mjs` file read into the editor, or pasted. A
 * parse error from the server is shown with the line it names, as it was
 * sent, and a caret under its column.
 */
import { describedBy, Field, type SetValue } from './form-parts.tsx';
import type { FieldErrors, FormValues } from './spec-form.ts';

interface Props {
  values: FormValues;
  set: SetValue;
  errors: FieldErrors;
}

export function CodeField({ values, set, errors }: Props) {
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    // Code is sent inline in the spec, and the server caps it at 1 MB.
    set('code', await file.text());
    if (values.name.trim() === '')
      set('name', file.name.replace(/\.m?js$/, ''));
  };
  const error = errors.code;
  return (
    <Field
      name="code"
      label="Code"
      errors={errors}
      detail={
        error?.line !== undefined && error.source !== undefined ? (
          <CodeExcerpt
            code={error.source}
            line={error.line}
            column={error.column}
          />
        ) : null
      }
      hint={
        <>
          An ES module whose default export takes one input and returns its
          output: <code>export default async (input, ctx) =&gt; output</code>.
        </>
      }
    >
      <input
        type="file"
        accept=".js,.mjs,text/javascript"
        data-testid="code-file-input"
        aria-label="Code file"
        onChange={(e) => void onFile(e.currentTarget.files?.[0])}
      />
      <textarea
        className="code"
        rows={10}
        spellCheck={false}
        placeholder="export default async (n) => n * n;"
        data-testid="code-input"
        value={values.code}
        onChange={(e) => set('code', e.currentTarget.value)}
        {...describedBy('code', errors)}
      />
    </Field>
  );
}

function CodeExcerpt(props: {
  code: string;
  line: number;
  column: number | undefined;
}) {
  const text = props.code.split(/\r\n|\r|\n/)[props.line - 1];
  if (text === undefined) return null;
  const caret =
    props.column !== undefined
      ? ' '.repeat(Math.max(0, props.column - 1)) + '^'
      : '';
  return (
    <pre className="excerpt" data-testid="code-error-excerpt">
      <span className="muted">
        line {props.line}
        {props.column !== undefined ? `, column ${props.column}` : ''}
      </span>
      {'\n'}
      {text}
      {caret ? `\n${caret}` : ''}
    </pre>
  );
}
