"""Every component id of the app, as constants: ``<page>-<thing>-<kind>``."""

# The shell, on every page
URL = "shell-url-location"
DATASET_STORE = "shell-dataset-store"
NAV_USER = "shell-user-text"
NAV_STEP_DONE = "shell-step-done-span"  # pattern: {"type": NAV_STEP_DONE, "step": key}
EXPLORED_STORE = "shell-explored-store"  # datasets explored in this browser session
STEPS_CHANGED_STORE = "shell-steps-changed-store"  # bumped when a page did a step

# Home
HOME_START = "home-start-div"
HOME_UPLOAD = "home-upload-button"
HOME_SAMPLE = "home-sample-button"  # pattern: {"type": HOME_SAMPLE, "key": key}
HOME_ALERT = "home-alert-div"

# Upload
UPLOAD_DROPZONE = "upload-drop-zone"
UPLOAD_FILE_INPUT = "upload-file-input"  # made by assets/upload.js, outside React
UPLOAD_RESULT_STORE = "upload-result-store"  # written by assets/upload.js
UPLOAD_READ_STORE = "upload-read-store"  # the dataset the background read made
UPLOAD_READ_PROGRESS_ROW = "upload-read-progress-div"
UPLOAD_READ_PROGRESS = "upload-read-progress"
UPLOAD_READ_STEP = "upload-read-step-div"
UPLOAD_READ_CANCEL = "upload-read-cancel-button"
UPLOAD_STATUS = "upload-status-div"
UPLOAD_SAMPLE = "upload-sample-button"  # pattern: {"type": UPLOAD_SAMPLE, "key": key}
UPLOAD_DATASET_SELECT = "upload-dataset-dropdown"
UPLOAD_SUMMARY = "upload-summary-div"
UPLOAD_SHEET_ROW = "upload-sheet-div"
UPLOAD_SHEET = "upload-sheet-dropdown"
UPLOAD_DATA_CARD = "upload-data-div"
UPLOAD_CHART = "upload-chart-graph"
UPLOAD_CHART_NOTE = "upload-chart-note-div"
UPLOAD_PREVIEW_KIND = "upload-preview-kind-radio"
UPLOAD_FILTER_COLUMN = "upload-filter-column-dropdown"
UPLOAD_FILTER_TEXT = "upload-filter-text-input"
UPLOAD_TABLE = "upload-rows-table"
UPLOAD_TABLE_INFO = "upload-rows-info-div"
UPLOAD_FORECAST_ROW = "upload-forecast-div"  # shown once a dataset is read
UPLOAD_FORECAST_BUTTON = "upload-forecast-button"
UPLOAD_FORECAST_ALERT = "upload-forecast-alert-div"
UPLOAD_ADD_CARD = "upload-add-div"  # newer data for the current dataset
UPLOAD_ADD_TITLE = "upload-add-title-div"
UPLOAD_ADD_MODE = "upload-add-mode-radio"
UPLOAD_ADD_DROPZONE = "upload-add-drop-zone"  # read by assets/upload.js
UPLOAD_ADD_STORE = "upload-add-store"  # written by assets/upload.js
UPLOAD_ADD_PROGRESS_ROW = "upload-add-progress-div"
UPLOAD_ADD_PROGRESS = "upload-add-progress"
UPLOAD_ADD_STEP = "upload-add-step-div"
UPLOAD_ADD_CANCEL = "upload-add-cancel-button"
UPLOAD_ADD_STATUS = "upload-add-status-div"  # written by assets/upload.js too

# Cleaning
CLEANING_DATASET_TEXT = "cleaning-dataset-div"
CLEANING_OP = "cleaning-op-dropdown"
CLEANING_PARAMS = "cleaning-params-div"
CLEANING_PARAM = "cleaning-param-input"  # pattern: {"type": ..., "name": parameter}
CLEANING_ADD_BUTTON = "cleaning-add-button"
CLEANING_CLEAR_BUTTON = "cleaning-clear-button"
CLEANING_REMOVE = "cleaning-remove-button"  # pattern: {"type": ..., "index": i}
CLEANING_RECIPE_STORE = "cleaning-recipe-store"
# The recipe that made the current version, and the version it was applied to
CLEANING_APPLIED_STORE = "cleaning-applied-store"
CLEANING_RECIPE = "cleaning-recipe-div"
CLEANING_REUSE = "cleaning-reuse-dropdown"
CLEANING_PREVIEW_OUTLIERS = "cleaning-preview-outliers-button"
# The preview of unusual values runs as a background callback with progress and Cancel
CLEANING_PREVIEW_CANCEL = "cleaning-preview-cancel-button"
CLEANING_PREVIEW_PROGRESS = "cleaning-preview-progress"
CLEANING_PREVIEW_PROGRESS_ROW = "cleaning-preview-progress-div"
CLEANING_PREVIEW_STEP = "cleaning-preview-step-div"
CLEANING_APPLY_BUTTON = "cleaning-apply-button"
CLEANING_ALERT = "cleaning-alert-div"
CLEANING_BEFORE = "cleaning-before-dropdown"
CLEANING_AFTER = "cleaning-after-dropdown"
CLEANING_VIEW_COLUMN = "cleaning-view-column-dropdown"
CLEANING_VIEW_SERIES = "cleaning-view-series-dropdown"
CLEANING_GRAPH = "cleaning-compare-graph"
CLEANING_COUNTS = "cleaning-counts-div"
CLEANING_VERSIONS = "cleaning-versions-div"
CLEANING_RESTORE = "cleaning-restore-button"  # pattern: {"type": ..., "version": id}
CLEANING_DELETE_BUTTON = "cleaning-delete-button"
CLEANING_DELETE_CONFIRM = "cleaning-delete-confirm"

# Explore
EXPLORE_DATASET_TEXT = "explore-dataset-div"
EXPLORE_TARGET = "explore-target-dropdown"
EXPLORE_SERIES = "explore-series-dropdown"
EXPLORE_METHOD = "explore-method-dropdown"
EXPLORE_PERIOD = "explore-period-dropdown"
EXPLORE_TRANSFORM = "explore-transform-dropdown"
EXPLORE_SUMMARY = "explore-summary-div"
EXPLORE_DECOMPOSITION = "explore-decomposition-graph"
EXPLORE_STATIONARITY = "explore-stationarity-div"
EXPLORE_SUGGESTION_STORE = "explore-suggestion-store"
EXPLORE_USE_TRANSFORM = "explore-use-transform-button"
EXPLORE_ALERT = "explore-alert-div"
EXPLORE_ACF = "explore-acf-graph"
EXPLORE_SEASONAL = "explore-seasonal-graph"
EXPLORE_BOX = "explore-box-graph"
EXPLORE_COUNTRY = "explore-country-dropdown"
EXPLORE_WINDOWS = "explore-windows-input"
EXPLORE_FEATURES_GRAPH = "explore-features-graph"
EXPLORE_FEATURES_TABLE = "explore-features-div"
EXPLORE_FULL_ROW = "explore-full-div"
EXPLORE_FULL_BUTTON = "explore-full-button"
EXPLORE_FULL_STATUS = "explore-full-status-div"
EXPLORE_JOB_STORE = "explore-job-store"
EXPLORE_FULL_RESULT = "explore-full-result-store"
EXPLORE_POLL = "explore-poll-interval"
EXPLORE_DETAILS = "explore-details"
EXPLORE_MEANING = "explore-meaning-text"

# Columns
COLUMNS_DATASET_TEXT = "columns-dataset-div"
COLUMNS_TIME = "columns-time-dropdown"
COLUMNS_TARGET = "columns-target-dropdown"
COLUMNS_SERIES = "columns-series-dropdown"
COLUMNS_ROLES = "columns-roles-div"
COLUMNS_ROLE = "columns-role-dropdown"  # pattern: {"type": ..., "column": name}
COLUMNS_SAVE_BUTTON = "columns-save-button"
COLUMNS_ALERT = "columns-alert-div"

# Models
MODELS_DATASET_TEXT = "models-dataset-div"
MODELS_TARGET = "models-target-dropdown"
MODELS_HORIZON = "models-horizon-input"
MODELS_SELECT = "models-select-dropdown"
MODELS_RUN_BUTTON = "models-run-button"
MODELS_NARROW_RANGE = "models-narrow-range-alert"
MODELS_UNAVAILABLE = "models-unavailable-text"  # pattern: {"type": …, "key": model}
MODELS_CANCEL_BUTTON = "models-cancel-button"
MODELS_ALERT = "models-alert-div"
MODELS_PROGRESS = "models-progress-bar"
MODELS_PROGRESS_BOX = "models-progress-div"  # bar, status and Cancel
MODELS_STATUS = "models-status-div"
MODELS_POLL = "models-poll-interval"
MODELS_JOB_STORE = "models-job-store"
MODELS_FORECAST_STORE = "models-forecast-store"
MODELS_RESULT = "models-result-div"
MODELS_SERIES = "models-series-dropdown"
MODELS_GRAPH = "models-forecast-graph"
MODELS_BACKTEST_GRAPH = "models-backtest-graph"
MODELS_STEP_GRAPH = "models-step-graph"
MODELS_DOWNLOADS = "models-downloads-div"
MODELS_SCORES = "models-scores-div"
MODELS_RUNS = "models-runs-div"
MODELS_RUN_OPEN = "models-run-open-button"  # pattern: {"type": ..., "job": job_id}
MODELS_USE = "models-use-button"  # pattern: {"type": ..., "model": key}
MODELS_PARAMS = "models-params-div"
MODELS_PARAM = "models-param"  # pattern: {"type": ..., "model": key, "param": name}
MODELS_DRIVERS = "models-drivers-dropdown"
MODELS_FOLDS = "models-folds-select"
MODELS_METRIC = "models-metric-select"
MODELS_TRANSFORM = "models-transform-select"
MODELS_PER_SERIES = "models-per-series-switch"
TRACK_CARD = "track-card-div"
TRACK_VERDICT = "track-verdict-div"
TRACK_GRAPH = "track-forecast-graph"
TRACK_VIEW = "track-view-radio"
TRACK_HISTORY = "track-history-div"
TRACK_OPEN = "track-open-button"  # pattern: {"type": ..., "forecast": forecast_id}
TRACK_REFRESH_BUTTON = "track-refresh-button"
TRACK_AUTO_SWITCH = "track-auto-switch"
TRACK_NOTE_INPUT = "track-note-textarea"
TRACK_NOTE_SAVE = "track-note-save-button"
TRACK_NOTE_TEXT = "track-note-div"
TRACK_SHARE_BUTTON = "track-share-button"
TRACK_SHARE_BOX = "track-share-div"
TRACK_SHARE_URL = "track-share-url-input"
TRACK_SHARE_COPY = "track-share-copy-clipboard"
TRACK_ALERT = "track-alert-div"

# Export
EXPORT_DATASET_TEXT = "export-dataset-div"
EXPORT_LIST = "export-forecasts-div"
EXPORT_RUN = "export-run-dropdown"
EXPORT_DOWNLOADS = "export-downloads-div"
EXPORT_PREPARE = "export-prepare-button"  # pattern: {"type": …, "format": "pdf"}
EXPORT_REPORT_JOBS = "export-report-jobs-div"
EXPORT_POLL = "export-report-poll"
# A small forecast's workbook and PDF, prepared by a background callback
EXPORT_MAKE = "export-make-div"
EXPORT_MAKE_XLSX = "export-make-xlsx-button"
EXPORT_MAKE_PDF = "export-make-pdf-button"
EXPORT_MAKE_CANCEL = "export-make-cancel-button"
EXPORT_MAKE_PROGRESS = "export-make-progress"
EXPORT_MAKE_PROGRESS_ROW = "export-make-progress-div"
EXPORT_MAKE_STEP = "export-make-step-div"
EXPORT_MAKE_STATUS = "export-make-status-div"
EXPORT_MAKE_DOWNLOAD = "export-make-download"
EXPORT_PREVIEW = "export-preview-div"
EXPORT_FORECAST_GRAPH = "export-forecast-graph"
EXPORT_MODELS_GRAPH = "export-models-graph"
EXPORT_TITLE = "export-title-input"
EXPORT_ACCENT = "export-accent-input"
EXPORT_LOGO = "export-logo-upload"
EXPORT_LOGO_STATUS = "export-logo-status-div"
EXPORT_REMOVE_LOGO = "export-remove-logo-checkbox"
EXPORT_SAVE_BRANDING = "export-save-branding-button"
EXPORT_BRANDING_ALERT = "export-branding-alert-div"

# Settings
SETTINGS_OLD_PASSWORD = "settings-old-password-input"
SETTINGS_NEW_PASSWORD = "settings-new-password-input"
SETTINGS_CONFIRM_PASSWORD = "settings-confirm-password-input"
SETTINGS_PASSWORD_BUTTON = "settings-password-button"
SETTINGS_PASSWORD_ALERT = "settings-password-alert-div"
SETTINGS_ADMIN = "settings-admin-div"
SETTINGS_REGISTRATION = "settings-registration-switch"
SETTINGS_USERS = "settings-users-div"
SETTINGS_SESSIONS_USER = "settings-sessions-user-select"
SETTINGS_SESSIONS_BUTTON = "settings-sessions-button"
SETTINGS_SESSIONS_ALERT = "settings-sessions-alert-div"
SETTINGS_TOKEN_NAME = "settings-token-name-input"
SETTINGS_TOKEN_CREATE = "settings-token-create-button"
SETTINGS_TOKEN_NEW = "settings-token-new-div"
SETTINGS_TOKEN_VALUE = "settings-token-value-code"
SETTINGS_TOKENS = "settings-tokens-div"
SETTINGS_TOKEN_REVOKE = "settings-token-revoke-button"  # pattern: {"type", "token"}
SETTINGS_SYSTEM = "settings-system-div"
SETTINGS_SYSTEM_BODY = "settings-system-body-div"
SETTINGS_TOKEN_COPY = "settings-token-copy-clipboard"
SETTINGS_NUMBER_FORMAT = "settings-number-format-radio"
SETTINGS_NUMBER_EXAMPLE = "settings-number-format-example-div"
SETTINGS_NUMBER_ALERT = "settings-number-format-alert-div"
