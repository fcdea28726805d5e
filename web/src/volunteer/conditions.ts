/**
 * Watches the two conditions a volunteer may choose to pause on: the tab
 * being hidden, and the machine running on battery. The Battery Status API
 * exists in Chromium-based browsers only; elsewhere `onBattery` stays false
 * and `batteryKnown` says so.
 */

export interface Conditions {
  hidden: boolean;
  onBattery: boolean;
  batteryKnown: boolean;
}

/** The part of the Battery Status API used here; TypeScript's DOM types omit it. */
interface BatteryManagerLike extends EventTarget {
  readonly charging: boolean;
}

function getBattery(): Promise<BatteryManagerLike> | null {
  const nav = navigator as Navigator & {
    getBattery?: () => Promise<BatteryManagerLike>;
  };
  return typeof nav.getBattery === 'function' ? nav.getBattery() : null;
}

/** Calls `onChange` now and on every change; returns a function that stops watching. */
export function watchConditions(
  onChange: (conditions: Conditions) => void,
): () => void {
  const current: Conditions = {
    hidden: document.visibilityState === 'hidden',
    onBattery: false,
    batteryKnown: false,
  };
  let stopped = false;
  const emit = () => {
    if (!stopped) onChange({ ...current });
  };
  const onVisibility = () => {
    current.hidden = document.visibilityState === 'hidden';
    emit();
  };
  document.addEventListener('visibilitychange', onVisibility);

  let battery: BatteryManagerLike | null = null;
  const onCharging = () => {
    current.onBattery = battery ? !battery.charging : false;
    emit();
  };
  getBattery()
    ?.then((manager) => {
      battery = manager;
      current.batteryKnown = true;
      manager.addEventListener('chargingchange', onCharging);
      onCharging();
    })
    .catch(() => {
      // The API can be refused by permissions policy; behave as if absent.
    });
  emit();

  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisibility);
    battery?.removeEventListener('chargingchange', onCharging);
  };
}
