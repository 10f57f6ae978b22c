// Gives every unit test a fresh in-memory IndexedDB (the phone's storage) without a browser.
import 'fake-indexeddb/auto';
