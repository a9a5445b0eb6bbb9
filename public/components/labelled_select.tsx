/* A compact labelled select, as the list pages use it for their URL-bound filters and sort order. */
import { EuiFormRow, EuiSelect } from '@elastic/eui';

export interface LabelledSelectProps {
  label: string;
  value: string;
  options: Array<{ value: string; text: string }>;
  onChange: (value: string) => void;
  testSubj: string;
  /** Defaults to the label. */
  ariaLabel?: string;
}

export function LabelledSelect({ label, value, options, onChange, testSubj, ariaLabel }: LabelledSelectProps) {
  return (
    <EuiFormRow label={label} display="rowCompressed">
      <EuiSelect
        compressed
        value={value}
        onChange={(e) => onChange(e.target.value)}
        options={options}
        data-test-subj={testSubj}
        aria-label={ariaLabel ?? label}
      />
    </EuiFormRow>
  );
}
