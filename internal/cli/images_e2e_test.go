package cli_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/cli"
)

// TestImagesEndToEnd runs the real program with STACKD_IMAGE_CACHE_SIZE,
// uploads a PNG and fetches a resized variant from its public URL: the
// variant decodes at the size asked for and lands in <data>/image-cache.
func TestImagesEndToEnd(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	addr, cdaAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{"STACKD_OWNER_EMAIL": "boss@example.com", "STACKD_OWNER_PASSWORD": "Boss-passw0rd",
		"STACKD_PASSWORD_COST": "low", "STACKD_DATA": data, "STACKD_IMAGE_CACHE_SIZE": "1048576"}
	defer serveCLI(t, env, "serve", "--addr", addr, "--cda-addr", cdaAddr)()
	client := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + addr
	tok := login(t, client, base, "boss@example.com", "Boss-passw0rd")
	apiKey := createStackOver(t, client, base, tok)
	img := image.NewNRGBA(image.Rect(0, 0, 60, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var src bytes.Buffer
	if err := png.Encode(&src, img); err != nil {
		t.Fatal(err)
	}
	status, body := uploadOver(t, client, base, tok, apiKey, src.Bytes())
	if status != 201 {
		t.Fatalf("upload: %d %v", status, body)
	}
	u := body["asset"].(map[string]any)["url"].(string)
	resp, err := client.Get(u + "?width=20&format=jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, format, err := image.Decode(resp.Body)
	if err != nil || resp.StatusCode != 200 || format != "jpeg" || got.Bounds().Dx() != 20 || got.Bounds().Dy() != 10 {
		t.Fatalf("variant: %d %s %v %v", resp.StatusCode, format, got.Bounds(), err)
	}
	cached, _ := filepath.Glob(filepath.Join(data, "image-cache", "*", "*"))
	if len(cached) != 1 || strings.Contains(filepath.Base(cached[0]), ".tmp") {
		t.Errorf("image cache holds %v, want one variant", cached)
	}
}

func TestImageCacheSizeFlag(t *testing.T) {
	for _, v := range []string{"-1", "big", "1.5"} {
		var stderr bytes.Buffer
		code := cli.Main(context.Background(), cli.Env{Args: []string{"serve", "--image-cache-size", v, "--data", t.TempDir()},
			Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &stderr})
		if code == 0 || !strings.Contains(stderr.String(), "--image-cache-size") {
			t.Errorf("--image-cache-size %s: exit %d, %q", v, code, stderr.String())
		}
	}
}
