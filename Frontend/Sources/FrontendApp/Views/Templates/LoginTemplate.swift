/// `/login`: trade the API token for a login cookie, so the browser's forms may write.
enum LoginTemplate {
    static let text = #"""
        {{>header}}
        <h1>Log in</h1>
        {{#required}}<form class="login" method="post" action="/login">
        <input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}">
        <input type="hidden" name="next" value="{{next}}">
        <label>API token <input type="password" name="token" autocomplete="current-password" required></label>
        <button type="submit">Log in</button>
        </form>
        <p class="hint">Reading needs no login; naming, enrolling, merging and deleting need the frontend's API token.</p>{{/required}}
        {{^required}}<p>This frontend has no API token configured: anyone who can reach it may make changes.</p>{{/required}}
        {{>footer}}
        """#
}
